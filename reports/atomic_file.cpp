#include "reports/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

namespace syncdrill {

std::string make_directories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fmt::format("cannot create directory '{}': {}", dir, ec.message());
  return {};
}

AtomicStreamFile::AtomicStreamFile(std::string path)
    : path_(std::move(path)), temp_path_(fmt::format("{}.tmp.{}", path_, ::getpid())) {
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) error_ = fmt::format("cannot write '{}': {}", path_, std::strerror(errno));
}

AtomicStreamFile::~AtomicStreamFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

void AtomicStreamFile::fail(std::string_view what) {
  if (error_.empty()) error_ = fmt::format("cannot write '{}': {}", path_, what);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(temp_path_.c_str());
}

std::string AtomicStreamFile::write(std::string_view data) {
  if (!error_.empty()) return error_;
  if (committed_) {
    fail("already committed");
    return error_;
  }
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(std::strerror(errno));
      return error_;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

std::string AtomicStreamFile::commit() {
  if (!error_.empty()) return error_;
  if (committed_) return {};
  if (::fsync(fd_) != 0) {
    fail(std::strerror(errno));
    return error_;
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    fail(std::strerror(errno));
    return error_;
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    fail(std::strerror(errno));
    return error_;
  }
  committed_ = true;
  return {};
}

std::string write_file_atomically(const std::string& path, std::string_view content) {
  AtomicStreamFile file(path);
  std::string error = file.write(content);
  if (error.empty()) error = file.commit();
  return error;
}

}  // namespace syncdrill
