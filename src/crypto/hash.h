#pragma once

// Hashes, MACs, encodings and randomness (OpenSSL 3 EVP underneath).
//
// All functions are thread-safe and take/return raw bytes in std::string.
// Decoders are strict: they return std::nullopt for any input that is not
// the canonical encoding of some byte string (bad characters, bad length,
// misplaced padding, non-zero unused bits), so that one value has exactly one
// accepted encoding.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace aw::crypto {

// SHA-256 of `data`: 32 raw bytes.
std::string Sha256(std::string_view data);
// SHA-256 of `data` as 64 lowercase hex characters.
std::string Sha256Hex(std::string_view data);
// HMAC-SHA-256 of `data` under `key` (any length): 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

// Lowercase hex. Decoding accepts upper and lower case; odd length -> nullopt.
std::string HexEncode(std::string_view raw);
std::optional<std::string> HexDecode(std::string_view hex);

// Standard alphabet (RFC 4648 section 4), always padded with '='.
std::string Base64Encode(std::string_view raw);
// Requires padding (length a multiple of 4); no whitespace.
std::optional<std::string> Base64Decode(std::string_view s);

// URL-safe alphabet (RFC 4648 section 5), never padded.
std::string Base64UrlEncode(std::string_view raw);
// Accepts input with or without '=' padding (padding, if any, must be correct).
std::optional<std::string> Base64UrlDecode(std::string_view s);

// `n` bytes from the OpenSSL CSPRNG. Aborts the process if the CSPRNG fails:
// continuing with predictable keys or nonces would be worse than stopping.
std::string RandomBytes(size_t n);

// Compares in time that depends only on the lengths, not on the contents.
// Different lengths -> false.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace aw::crypto
