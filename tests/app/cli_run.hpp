// Runs the syncdrill binary in a scratch folder and captures what a user would see.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

namespace syncdrill::testing {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh folder per test, removed at the end, so tests never see each other's reports.
class Scratch {
 public:
  explicit Scratch(const std::string& name) {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("syncdrill-e2e-{}-{}", name, ::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~Scratch() { std::filesystem::remove_all(dir_); }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path operator/(const std::string& rel) const { return dir_ / rel; }

  // `args` is passed through the shell as written: quote paths with spaces yourself.
  CliRun run(const std::string& args) const {
    return shell(fmt::format("NO_COLOR=1 '{}' {}", SYNCDRILL_BINARY, args));
  }

  // Any shell command, run in the folder with stdin from /dev/null.
  CliRun shell(const std::string& command) const {
    const auto out = dir_ / ".stdout";
    const auto err = dir_ / ".stderr";
    const std::string cmd = fmt::format("cd '{}' && {} >'{}' 2>'{}' </dev/null", dir_.string(),
                                        command, out.string(), err.string());
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
  }

 private:
  std::filesystem::path dir_;
};

// A command started in the background through /bin/sh (a server under test), killed if still
// running when the object goes.
class Background {
 public:
  // Runs `command` in `dir` with stdout to `log` and stderr to `log`.err.
  Background(const std::filesystem::path& dir, const std::string& command,
             const std::filesystem::path& log)
      : log_(log) {
    const std::string cmd = fmt::format("cd '{}' && exec {} >'{}' 2>'{}.err' </dev/null",
                                        dir.string(), command, log.string(), log.string());
    const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
    if (posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
      pid_ = -1;
    }
  }
  ~Background() {
    if (pid_ > 0 && !exit_code_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  // Waits up to `timeout` for `prefix` in its stdout or stderr and returns the digits right after
  // it (empty when none follow, e.g. for a prefix that is the whole marker). (No std::regex:
  // GCC 12 warns inside it under the sanitizers, and warnings are errors.)
  std::optional<std::string> wait_for_log(const std::string& prefix,
                                          std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = log() + err();
      if (const size_t at = text.find(prefix); at != std::string::npos) {
        size_t end = at + prefix.size();
        while (end < text.size() && text[end] >= '0' && text[end] <= '9')
          ++end;
        return text.substr(at + prefix.size(), end - at - prefix.size());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }
  void signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
  }
  // The exit code once the process ends within `timeout`; nothing if it is still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_code_ && pid_ > 0) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return exit_code_;
  }
  std::string log() const { return read_file(log_); }
  std::string err() const { return read_file(log_.string() + ".err"); }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// A loopback port free right now (bound and released): for a server that must be told its port
// before another one starts.
inline int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

inline std::string source_path(const std::string& rel) {
  return std::string(SYNCDRILL_SOURCE_DIR) + "/" + rel;
}

}  // namespace syncdrill::testing
