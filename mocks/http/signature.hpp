// Webhook signatures: HMAC-SHA256 over the raw request body, sent as `sha256=<lowercase hex>`
// (GitHub's X-Hub-Signature-256 convention; we send it as X-Syncdrill-Signature-256).
//
// The receiver must sign the bytes exactly as received, before any JSON parsing: re-serialised
// JSON rarely matches byte for byte. Verification compares in constant time so a timing probe
// cannot recover the signature a byte at a time. Thread-safe (no shared state).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace syncdrill {

// The prefix every signature header value starts with.
inline constexpr std::string_view kSignaturePrefix = "sha256=";

// HMAC-SHA256(key, data) as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// The header value for `body`: "sha256=" + hmac_sha256_hex(secret, body).
std::string sign_body(std::string_view body, std::string_view secret);

// Whether `header` is the signature of `body` under `secret`. False for a missing prefix, a wrong
// length or non-hex digits. Upper-case hex is accepted (some senders use it).
bool verify_signature(std::string_view body, std::string_view header, std::string_view secret);

// ---- Shopify's form (X-Shopify-Hmac-Sha256): BASE64 of the raw HMAC-SHA256 digest ------------

// Standard base64 (RFC 4648, with '+', '/' and '=' padding).
std::string base64_encode(std::string_view bytes);
// Its inverse; nullopt for a character outside the alphabet, bad padding or a bad length.
// url_safe: the '-' '_' alphabet, padding optional (RFC 4648 section 5).
std::optional<std::string> base64_decode(std::string_view text, bool url_safe = false);

// base64_encode(HMAC-SHA256(secret, body)): the X-Shopify-Hmac-Sha256 header value.
std::string shopify_hmac(std::string_view body, std::string_view secret);
// Whether `header` is shopify_hmac(body, secret), compared in constant time over the digest.
bool verify_shopify_hmac(std::string_view body, std::string_view header, std::string_view secret);

}  // namespace syncdrill
