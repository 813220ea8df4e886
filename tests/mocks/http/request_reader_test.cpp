// RequestReader tests: requests fed as bytes (whole, byte by byte, pipelined), and hostile ones
// refused with the right status before more than the limits is held.
#include "mocks/http/request_reader.hpp"

#include <cstdint>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/engine/random.hpp"

namespace syncdrill::http {
namespace {

RequestLimits small_limits() {
  RequestLimits l;
  l.request_line_bytes_max = 100;
  l.header_line_bytes_max = 64;
  l.header_count_max = 5;
  l.head_bytes_max = 200;
  l.body_bytes_max = 50;
  return l;
}

// Feeds `text` whole; returns the canonical request, or "ERROR <status>".
std::string read(const std::string& text, RequestLimits limits = small_limits()) {
  RequestReader r(limits);
  r.feed(text.data(), text.size());
  if (r.error()) return fmt::format("ERROR {}", r.error()->status);
  if (!r.complete()) return "INCOMPLETE";
  return r.take();
}

int status_of(const std::string& text, RequestLimits limits = small_limits()) {
  RequestReader r(limits);
  r.feed(text.data(), text.size());
  REQUIRE_MESSAGE(r.error(), text);
  return r.error()->status;
}

TEST_CASE("live: a request is read into its canonical form, with a Content-Length") {
  CHECK(read("GET /erp/stock/1 HTTP/1.1\r\nHost: x\r\n\r\n") ==
        "GET /erp/stock/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  // No Content-Length and no Transfer-Encoding: no body (RFC 9112 6.3), not "read until close".
  CHECK(read("POST /wms/shipments/0/pick HTTP/1.1\r\nHost: x\r\n\r\n") ==
        "POST /wms/shipments/0/pick HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  CHECK(read("POST /oms/orders HTTP/1.1\r\ncontent-length: 5\r\nX-A:  spaced  \r\n\r\nhello") ==
        "POST /oms/orders HTTP/1.1\r\nX-A: spaced\r\nContent-Length: 5\r\n\r\nhello");
  // Bare LF line ends and empty lines before the request line are taken.
  CHECK(read("\r\n\nGET / HTTP/1.0\nHost: x\n\n") ==
        "GET / HTTP/1.0\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  // A chunked body is de-chunked, its extensions and trailers dropped.
  CHECK(read("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n") ==
        "POST /a HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world");
}

TEST_CASE("live: feeding a request byte by byte gives the same request, and stops at its end") {
  const std::string two =
      "POST /a?x=1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\n"
      "GET /b HTTP/1.1\r\n\r\n";
  RequestReader r(small_limits());
  size_t used = 0;
  bool asked_continue = false;
  while (!r.complete()) {
    REQUIRE(used < two.size());
    used += r.feed(two.data() + used, 1);
    if (r.wants_continue()) {
      asked_continue = true;
      CHECK(r.path() == "/a");
      r.continue_sent();
    }
  }
  CHECK(asked_continue);
  CHECK(r.take() == "POST /a?x=1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
  // The pipelined second request is left for the next read.
  CHECK(two.substr(used) == "GET /b HTTP/1.1\r\n\r\n");
  CHECK(r.feed(two.data() + used, two.size() - used) == two.size() - used);
  CHECK(r.complete());
  CHECK(r.take() == "GET /b HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  CHECK_FALSE(r.started());
}

TEST_CASE("live: bodies over the limit get 413 as soon as the length or a chunk size says so") {
  // The Content-Length alone decides: not a byte of the body is read.
  RequestReader r(small_limits());
  const std::string head = "POST /a HTTP/1.1\r\nContent-Length: 51\r\n\r\n";
  const std::string text = head + std::string(51, 'x');
  CHECK(r.feed(text.data(), text.size()) == head.size());
  REQUIRE(r.error());
  CHECK(r.error()->status == 413);
  CHECK(r.error()->error == "payload_too_large");
  CHECK(status_of("POST /a HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") == 413);
  // Chunked: the chunk that would pass the limit is refused before its data.
  CHECK(status_of("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "28\r\n" +
                  std::string(40, 'x') + "\r\nb\r\n") == 413);
  CHECK(status_of("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "fffffffffffffffffffff\r\n") == 413);
  CHECK(read("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" + std::string(50, 'x') +
             "\r\n0\r\n\r\n")
            .find("Content-Length: 50") != std::string::npos);
}

TEST_CASE("live: too many header fields, a long one or too many bytes in all get 431") {
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 6; ++i)
    many += fmt::format("X-{}: v\r\n", i);
  CHECK(status_of(many + "\r\n") == 431);
  CHECK(status_of("GET / HTTP/1.1\r\nX-Long: " + std::string(60, 'v') + "\r\n\r\n") == 431);
  std::string bulky = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 4; ++i)
    bulky += fmt::format("X-{}: {}\r\n", i, std::string(50, 'v'));
  CHECK(status_of(bulky + "\r\n") == 431);
  // Trailers count too.
  CHECK(status_of("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: " +
                  std::string(60, 't') + "\r\n\r\n") == 431);
  // A long header line is refused while it is still arriving: at most the limit is held.
  RequestReader r(small_limits());
  const std::string endless = "GET / HTTP/1.1\r\nX-Endless: " + std::string(10'000, 'v');
  r.feed(endless.data(), endless.size());
  REQUIRE(r.error());
  CHECK(r.error()->status == 431);
  CHECK(r.buffered_bytes() < 200);
}

TEST_CASE("live: malformed requests get 400, 414, 415, 417, 501 or 505") {
  CHECK(status_of("GET /" + std::string(200, 'a') + " HTTP/1.1\r\n\r\n") == 414);
  CHECK(status_of("GET / HTTP/2.0\r\n\r\n") == 505);
  CHECK(status_of("GET / FTP/1.1\r\n\r\n") == 400);
  CHECK(status_of("GET  / HTTP/1.1\r\n\r\n") == 400);
  CHECK(status_of("GET /\x01 HTTP/1.1\r\n\r\n") == 400);
  CHECK(status_of("G(T / HTTP/1.1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nX-A: 1\r2\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nX A: 1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nno colon\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nX-A: a\x7f\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        400);
  CHECK(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == 501);
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: 1\r\n\r\n") == 415);
  CHECK(status_of("POST / HTTP/1.1\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n") == 417);
  CHECK(status_of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n") == 400);
  // The same Content-Length twice (or as a list) is one length.
  CHECK(read("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nab")
            .find("Content-Length: 2\r\n\r\nab") != std::string::npos);
}

// Random bytes, and random cuts of valid requests: never a crash, never more held than the
// limits allow, and every outcome is a request, a refusal or a wait for more.
TEST_CASE("live: hostile bytes never make the reader hold more than its limits") {
  RandomStream rng(7, "request-reader");
  const RequestLimits limits = small_limits();
  const size_t held_max = limits.head_bytes_max + limits.header_line_bytes_max +
                          limits.request_line_bytes_max + limits.body_bytes_max;
  const std::string alphabet = "GETPOST /HTP1.0\r\n:;-chunkedContent-LengthTransfer-Encoding0a9f";
  for (int round = 0; round < 2000; ++round) {
    RequestReader r(limits);
    std::string text;
    const size_t n = 1 + rng.below(400);
    for (size_t i = 0; i < n; ++i) {
      text.push_back(rng.uniform01() < 0.9 ? alphabet[rng.below(alphabet.size())]
                                           : static_cast<char>(rng.below(256)));
    }
    size_t used = 0;
    while (used < text.size() && !r.complete() && !r.error()) {
      const size_t step = 1 + rng.below(40);
      used += r.feed(text.data() + used, std::min(step, text.size() - used));
      CHECK(r.buffered_bytes() <= held_max);
    }
    if (r.error()) {
      CHECK(r.error()->status >= 400);
      CHECK(r.error()->status <= 505);
      CHECK_FALSE(r.error()->detail.empty());
    }
    if (r.complete()) CHECK(r.take().find("Content-Length: ") != std::string::npos);
  }
}

}  // namespace
}  // namespace syncdrill::http
