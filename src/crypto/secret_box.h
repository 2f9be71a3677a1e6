#pragma once

// SecretBox: authenticated encryption of secrets at rest (HMAC secrets, AWS
// credentials, API keys) with AES-256-GCM.
//
// Sealed format: "v1." + base64url(nonce[12] || ciphertext || tag[16]), no
// padding. The nonce is random per Seal, so sealing the same plaintext twice
// gives different strings. Random 96-bit nonces keep the GCM collision risk
// negligible up to about 2^32 seals under one key.
//
// Associated data (aad) is authenticated but not stored: a value sealed with
// aad "company-1" opens only with aad "company-1". Use it to bind a secret to
// its owner so a sealed value copied to another record does not open there.
//
// Thread-safe: a SecretBox is immutable after construction.

#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"

namespace aw::crypto {

class SecretBox {
 public:
  static constexpr size_t kKeySize = 32;

  // REQUIRES: key holds exactly 32 raw bytes; otherwise kInvalidArgument.
  static aw::Result<SecretBox> FromKey(std::string key);

  std::string Seal(std::string_view plaintext) const;
  std::string Seal(std::string_view plaintext, std::string_view aad) const;

  // kInvalidArgument for anything that is not a value sealed by this key with
  // this aad: wrong prefix, bad base64, too short, tampered, wrong key/aad.
  aw::Result<std::string> Open(std::string_view sealed) const;
  aw::Result<std::string> Open(std::string_view sealed, std::string_view aad) const;

 private:
  explicit SecretBox(std::string key) : key_(std::move(key)) {}

  std::string key_;
};

}  // namespace aw::crypto
