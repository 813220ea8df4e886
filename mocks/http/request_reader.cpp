// RequestReader: a byte-at-a-time state machine for the head and chunk lines, bulk copies for
// body bytes.
#include "mocks/http/request_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace syncdrill::http {

namespace {

std::string reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

}  // namespace

std::string refusal_response(int status, std::string_view error, std::string_view detail) {
  const std::string body = nlohmann::json{{"error", error}, {"detail", detail}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{}"
      "Connection: close\r\n\r\n{}",
      status, reason_phrase(status), body.size(), status == 503 ? "Retry-After: 1\r\n" : "", body);
}
namespace {

// RFC 9110 5.6.2: the characters of a token (a method, a header name).
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

// Control characters other than HTAB, which no field value or target may hold.
bool is_ctl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool equals_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lower(a) == lower(b);
}

// The comma-separated elements of a field value, trimmed and lower-cased; empty ones dropped.
std::vector<std::string> elements(std::string_view value) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= value.size()) {
    const size_t comma = std::min(value.find(',', pos), value.size());
    const std::string_view e = trim(value.substr(pos, comma - pos));
    if (!e.empty()) out.push_back(lower(e));
    pos = comma + 1;
  }
  return out;
}

// A shown excerpt of client text: at most 60 characters.
std::string excerpt(std::string_view s) {
  return s.size() <= 60 ? std::string(s) : std::string(s.substr(0, 57)) + "...";
}

}  // namespace

RequestReader::RequestReader(RequestLimits limits) : limits_(limits) {}

void RequestReader::reset() {
  state_ = State::start;
  error_.reset();
  line_.clear();
  line_cr_ = false;
  out_.clear();
  body_.clear();
  path_.clear();
  http10_ = false;
  head_bytes_ = 0;
  header_count_ = 0;
  content_length_.reset();
  transfer_encoding_.clear();
  expect_.clear();
  content_encoding_.clear();
  chunked_ = false;
  body_left_ = 0;
  continue_pending_ = false;
}

std::string RequestReader::take() {
  std::string request = std::move(out_);
  request += fmt::format("Content-Length: {}\r\n\r\n", body_.size());
  request += body_;
  reset();
  return request;
}

bool RequestReader::fail(int status, std::string_view error, std::string detail) {
  state_ = State::failed;
  error_ = RequestError{status, std::string(error), std::move(detail)};
  continue_pending_ = false;
  return false;
}

bool RequestReader::take_line(const char*& p, const char* end, size_t line_max, bool& too_long) {
  while (p < end) {
    const char c = *p++;
    if (c == '\n') {
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      return true;
    }
    line_.push_back(c);
    // +1: a CR the line end may still bring is not part of the line.
    if (line_.size() > line_max + 1) {
      too_long = true;
      return false;
    }
  }
  return false;
}

size_t RequestReader::feed(const char* data, size_t size) {
  const char* p = data;
  const char* end = data + size;
  while (p < end && step(p, end)) {
  }
  return static_cast<size_t>(p - data);
}

bool RequestReader::step(const char*& p, const char* end) {
  bool too_long = false;
  switch (state_) {
    case State::start: {
      if (!take_line(p, end, limits_.request_line_bytes_max, too_long)) {
        if (too_long) {
          return fail(
              414, "uri_too_long",
              fmt::format("the request line exceeds {} bytes", limits_.request_line_bytes_max));
        }
        return true;
      }
      head_bytes_ += line_.size() + 2;
      if (line_.empty()) {  // an empty line before the request line: skipped, counted
        if (head_bytes_ > limits_.head_bytes_max) {
          return fail(400, "bad_request", "only empty lines where a request line belongs");
        }
        return true;
      }
      return on_request_line();
    }
    case State::headers:
    case State::trailers: {
      if (!take_line(p, end, limits_.header_line_bytes_max, too_long)) {
        if (too_long) {
          return fail(431, "header_fields_too_large",
                      fmt::format("a header line exceeds {} bytes", limits_.header_line_bytes_max));
        }
        return true;
      }
      head_bytes_ += line_.size() + 2;
      if (head_bytes_ > limits_.head_bytes_max) {
        return fail(431, "header_fields_too_large",
                    fmt::format("the request's header fields exceed {} bytes in all",
                                limits_.head_bytes_max));
      }
      if (line_.empty()) {
        line_.clear();
        if (state_ == State::trailers) {
          state_ = State::complete;
          return false;
        }
        return on_head_end();
      }
      return on_header_line(state_ == State::trailers);
    }
    case State::body:
    case State::chunk_data: {
      const size_t n =
          static_cast<size_t>(std::min<uint64_t>(body_left_, static_cast<uint64_t>(end - p)));
      body_.append(p, n);
      p += n;
      body_left_ -= n;
      if (body_left_ > 0) return true;
      if (state_ == State::chunk_data) {
        state_ = State::chunk_end;
        return true;
      }
      state_ = State::complete;
      return false;
    }
    case State::chunk_size: {
      if (!take_line(p, end, limits_.header_line_bytes_max, too_long)) {
        if (too_long) return fail(400, "bad_request", "a chunk-size line is too long");
        return true;
      }
      return on_chunk_size();
    }
    case State::chunk_end: {
      if (!take_line(p, end, 0, too_long)) {
        if (too_long) return fail(400, "bad_request", "a chunk's data is longer than its size");
        return true;
      }
      if (!line_.empty()) return fail(400, "bad_request", "a chunk's data is longer than its size");
      state_ = State::chunk_size;
      return true;
    }
    case State::complete:
    case State::failed:
      return false;
  }
  return false;
}

bool RequestReader::on_request_line() {
  const std::string line = std::move(line_);
  line_.clear();
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string::npos || line.find(' ', sp2 + 1) != std::string::npos) {
    return fail(400, "bad_request",
                "the request line must be METHOD TARGET HTTP/1.1, not '" + excerpt(line) + "'");
  }
  const std::string_view method = std::string_view(line).substr(0, sp1);
  const std::string_view target = std::string_view(line).substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = std::string_view(line).substr(sp2 + 1);
  if (!is_token(method)) return fail(400, "bad_request", "the method is not a token");
  if (target.empty() || std::any_of(target.begin(), target.end(),
                                    [](char c) { return c == ' ' || is_ctl(c) || c == '\t'; })) {
    return fail(400, "bad_request", "the request target is empty or holds control characters");
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    const bool http = version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
                      std::isdigit(static_cast<unsigned char>(version[5])) && version[6] == '.' &&
                      std::isdigit(static_cast<unsigned char>(version[7]));
    if (http) {
      return fail(505, "http_version_not_supported",
                  "HTTP/1.1 (or 1.0) only, not " + std::string(version));
    }
    return fail(400, "bad_request", "the request line must end with HTTP/1.1");
  }
  http10_ = version == "HTTP/1.0";
  path_ = std::string(target.substr(0, target.find('?')));
  out_ += line;
  out_ += "\r\n";
  state_ = State::headers;
  return true;
}

bool RequestReader::on_header_line(bool trailer) {
  const std::string line = std::move(line_);
  line_.clear();
  if (line.find('\r') != std::string::npos) {
    return fail(400, "bad_request", "a header line holds a bare CR");
  }
  if (line.front() == ' ' || line.front() == '\t') {
    return fail(400, "bad_request", "folded header lines (obs-fold) are not accepted");
  }
  if (++header_count_ > limits_.header_count_max) {
    return fail(431, "header_fields_too_large",
                fmt::format("more than {} header fields", limits_.header_count_max));
  }
  const size_t colon = line.find(':');
  const std::string_view name =
      std::string_view(line).substr(0, colon == std::string::npos ? 0 : colon);
  if (!is_token(name)) {
    return fail(400, "bad_request", "malformed header line '" + excerpt(line) + "'");
  }
  const std::string_view value = trim(std::string_view(line).substr(colon + 1));
  if (std::any_of(value.begin(), value.end(), is_ctl)) {
    return fail(400, "bad_request",
                "the value of header " + std::string(name) + " holds control characters");
  }
  if (trailer) return true;  // trailers are read and dropped
  if (equals_ci(name, "Content-Length")) {
    for (const std::string& e : elements(value)) {
      if (!std::all_of(e.begin(), e.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return fail(400, "bad_request", "Content-Length must be a whole number");
      }
      // Left as is when the digits overflow 64 bits: far too large either way.
      uint64_t n = UINT64_MAX;
      std::from_chars(e.data(), e.data() + e.size(), n);
      if (content_length_ && *content_length_ != n) {
        return fail(400, "bad_request", "conflicting Content-Length values");
      }
      content_length_ = n;
    }
    if (!content_length_) return fail(400, "bad_request", "Content-Length must be a whole number");
    return true;
  }
  std::string* kept = equals_ci(name, "Transfer-Encoding")  ? &transfer_encoding_
                      : equals_ci(name, "Content-Encoding") ? &content_encoding_
                      : equals_ci(name, "Expect")           ? &expect_
                                                            : nullptr;
  if (kept != nullptr) {
    if (!kept->empty()) *kept += ',';
    *kept += value;
    return true;
  }
  out_ += name;
  out_ += ": ";
  out_ += value;
  out_ += "\r\n";
  return true;
}

bool RequestReader::on_head_end() {
  if (!transfer_encoding_.empty()) {
    if (content_length_) {
      return fail(400, "bad_request", "both Content-Length and Transfer-Encoding were sent");
    }
    if (http10_) return fail(400, "bad_request", "Transfer-Encoding in an HTTP/1.0 request");
    const std::vector<std::string> codings = elements(transfer_encoding_);
    if (codings != std::vector<std::string>{"chunked"}) {
      return fail(501, "not_implemented",
                  "Transfer-Encoding '" + excerpt(transfer_encoding_) +
                      "' is not supported (only chunked)");
    }
    chunked_ = true;
  }
  for (const std::string& coding : elements(content_encoding_)) {
    if (coding != "identity") {
      return fail(415, "unsupported_media_type",
                  "Content-Encoding '" + excerpt(coding) +
                      "' is not supported: send the body "
                      "uncompressed");
    }
  }
  if (content_length_ && *content_length_ > limits_.body_bytes_max) {
    return fail(413, "payload_too_large",
                fmt::format("the request body exceeds {} bytes", limits_.body_bytes_max));
  }
  const bool has_body = chunked_ || content_length_.value_or(0) > 0;
  if (!expect_.empty()) {
    if (elements(expect_) != std::vector<std::string>{"100-continue"}) {
      return fail(417, "expectation_failed",
                  "only 'Expect: 100-continue' is understood, not '" + excerpt(expect_) + "'");
    }
    // An HTTP/1.0 client cannot have meant it (RFC 9110 10.1.1): ignored.
    continue_pending_ = has_body && !http10_;
  }
  if (chunked_) {
    state_ = State::chunk_size;
  } else if (has_body) {
    body_left_ = *content_length_;
    state_ = State::body;
  } else {
    state_ = State::complete;
    return false;
  }
  return true;
}

bool RequestReader::on_chunk_size() {
  const std::string line = std::move(line_);
  line_.clear();
  size_t digits = 0;
  while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits])))
    ++digits;
  const std::string_view rest = trim(std::string_view(line).substr(digits));
  if (digits == 0 || (!rest.empty() && rest.front() != ';')) {
    return fail(400, "bad_request", "malformed chunk size '" + excerpt(line) + "'");
  }
  uint64_t size = UINT64_MAX;  // left as is when the digits overflow 64 bits
  std::from_chars(line.data(), line.data() + digits, size, 16);
  if (size > limits_.body_bytes_max - body_.size()) {
    return fail(413, "payload_too_large",
                fmt::format("the request body exceeds {} bytes", limits_.body_bytes_max));
  }
  if (size == 0) {
    state_ = State::trailers;
    return true;
  }
  body_left_ = size;
  state_ = State::chunk_data;
  return true;
}

}  // namespace syncdrill::http
