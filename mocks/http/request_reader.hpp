// RequestReader: reads one HTTP/1.x request from the bytes a client sends, with every limit
// enforced while reading, and hands cpp-httplib a request it cannot be hurt by.
//
// cpp-httplib 0.11.4 (Debian's, a compiled library: its CPPHTTPLIB_* limits cannot be changed by
// #defines in our code) reads a request straight off the socket: it buffers a chunked body or a
// body without Content-Length whole, whatever payload_max_length says; it bounds one header line
// (8 KiB, answering an unhelpful 400) but neither the number of headers nor their total size; it
// skips, by reading them, the bytes of a Content-Length it refuses; it decompresses gzip and
// brotli bodies after the size check. So the mock server reads each request itself (this class,
// fed by ConnectionReactor) and passes cpp-httplib only the canonical form below.
//
// Rules (RFC 9112), each failure a status and a reason, after which the connection is closed:
//   - the request line: `METHOD SP target SP HTTP/1.x`, at most request_line_bytes_max (414
//     beyond), HTTP/1.0 or 1.1 (505 for another version, 400 for anything else malformed);
//   - header lines `name: value` (a token, no space before the colon; no obs-fold, no bare CR, no
//     control characters): each at most header_line_bytes_max, at most header_count_max of them
//     and head_bytes_max for the request line and headers together (431 beyond any);
//   - the body: Content-Length (digits; repeated only with the same value) or Transfer-Encoding:
//     chunked (the only coding taken: 501 otherwise; both at once: 400), at most body_bytes_max
//     (413 as soon as the length, a chunk size or the data says so: the rest is never read);
//     chunk trailers are read and dropped, counted against the header limits;
//   - Content-Encoding other than identity: 415 (the body must be sent uncompressed);
//   - Expect: 100-continue asks the caller to send `100 Continue` (wants_continue()) once the
//     head passed; another expectation: 417.
// Bare LF line ends are taken (RFC 9112 2.2), as are empty lines before the request line.
//
// The canonical request: the request line, the headers except Content-Length, Transfer-Encoding
// and Expect, `Content-Length: N` (N = the body's size, 0 without a body: a request without
// either header has none, RFC 9112 6.3) and the body, de-chunked.
//
// Not thread-safe; one per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace syncdrill::http {

struct RequestLimits {
  size_t request_line_bytes_max = 8 * 1024;  // 414 beyond (cpp-httplib's own limit is 8 KiB)
  size_t header_line_bytes_max = 8 * 1024;   // 431 beyond (cpp-httplib's own limit is 8 KiB)
  size_t header_count_max = 100;             // 431 beyond
  size_t head_bytes_max = 32 * 1024;         // request line + headers; 431 beyond
  size_t body_bytes_max = 64 * 1024;         // 413 beyond
};

// Why a request was refused.
struct RequestError {
  int status = 400;
  std::string error;   // the JSON error kind: "bad_request", "payload_too_large", ...
  std::string detail;  // a sentence for the client
};

// The whole answer to a refused request: `status` with its reason phrase, a JSON body
// {"error", "detail"} (bytes that are not UTF-8 replaced), Retry-After for 503, and
// Connection: close. What the reactor sends and serve_stream writes.
std::string refusal_response(int status, std::string_view error, std::string_view detail);

class RequestReader {
 public:
  explicit RequestReader(RequestLimits limits);

  // Reads from `data` what belongs to the current request and returns how many bytes it took
  // (fewer than `size` when the request ended, or failed, inside them). After complete() or
  // error(), feed() takes nothing until take() or reset().
  size_t feed(const char* data, size_t size);

  // Whether any byte of a request has come (an idle connection has none).
  bool started() const { return state_ != State::start || !line_.empty() || head_bytes_ > 0; }
  bool complete() const { return state_ == State::complete; }
  const std::optional<RequestError>& error() const { return error_; }
  // The client asked for `100 Continue` and the head was accepted: send it once (then call
  // continue_sent()) before the body will come.
  bool wants_continue() const { return continue_pending_; }
  void continue_sent() { continue_pending_ = false; }
  // The request target's path (up to '?'); set once the request line is read.
  std::string_view path() const { return path_; }
  // Bytes held for this request (its head and body so far, and the line being read).
  size_t buffered_bytes() const { return out_.size() + body_.size() + line_.size(); }

  // REQUIRES: complete(). The canonical request; the reader starts over for the next one.
  std::string take();
  // Starts over (forgets a failure too).
  void reset();

 private:
  enum class State : uint8_t {
    start,       // before the request line (empty lines are skipped)
    headers,     // header lines up to the empty line
    body,        // Content-Length bytes
    chunk_size,  // a chunk-size line
    chunk_data,  // a chunk's bytes
    chunk_end,   // the CRLF after a chunk's bytes
    trailers,    // trailer lines up to the empty line
    complete,
    failed,
  };

  bool fail(int status, std::string_view error, std::string detail);
  // Reads bytes of one line into line_ (without its line end); true when the line ended. Sets
  // too_long (and stops) when the line grows past line_max.
  bool take_line(const char*& p, const char* end, size_t line_max, bool& too_long);
  bool on_request_line();
  bool on_header_line(bool trailer);
  bool on_head_end();
  bool on_chunk_size();
  // Steps the state machine on the bytes from p; false when it stopped (complete or failed).
  bool step(const char*& p, const char* end);

  RequestLimits limits_;
  State state_ = State::start;
  std::optional<RequestError> error_;
  std::string line_;  // the line being read
  bool line_cr_ = false;
  std::string out_;   // the canonical head so far (request line and the headers kept)
  std::string body_;  // the body so far, de-chunked
  std::string path_;
  bool http10_ = false;
  size_t head_bytes_ = 0;
  size_t header_count_ = 0;
  std::optional<uint64_t> content_length_;
  std::string transfer_encoding_;
  std::string expect_;
  std::string content_encoding_;
  bool chunked_ = false;
  uint64_t body_left_ = 0;  // body or chunk bytes still to come
  bool continue_pending_ = false;
};

}  // namespace syncdrill::http
