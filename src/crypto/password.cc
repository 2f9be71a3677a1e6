#include "crypto/password.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace aw::crypto {
namespace {

void EnsureSodium() {
  // Function-local static: initialised exactly once, thread-safe (C++11).
  static const bool kReady = [] {
    if (sodium_init() < 0) {
      std::fprintf(stderr, "fatal: sodium_init failed\n");
      std::abort();
    }
    return true;
  }();
  (void)kReady;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// libsodium reads the encoded hash as a C string of at most STRBYTES bytes.
bool FitsEncoded(std::string_view encoded) {
  return !encoded.empty() && encoded.size() < crypto_pwhash_STRBYTES &&
         encoded.find('\0') == std::string_view::npos;
}

}  // namespace

std::string HashPassword(std::string_view password) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    std::fprintf(stderr, "fatal: crypto_pwhash_str failed (out of memory)\n");
    std::abort();
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view password, std::string_view encoded) {
  EnsureSodium();
  if (!FitsEncoded(encoded)) return false;
  // Only the Argon2 schemes; bcrypt ("$2a$", "$2b$", "$2y$") is not supported yet.
  if (!StartsWith(encoded, "$argon2id$") && !StartsWith(encoded, "$argon2i$")) return false;
  char buf[crypto_pwhash_STRBYTES] = {};
  encoded.copy(buf, encoded.size());
  return crypto_pwhash_str_verify(buf, password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view encoded) {
  EnsureSodium();
  if (!FitsEncoded(encoded) || !StartsWith(encoded, "$argon2id$")) return true;
  char buf[crypto_pwhash_STRBYTES] = {};
  encoded.copy(buf, encoded.size());
  // 0: current parameters; 1: other parameters; -1: not a valid argon2id string.
  return crypto_pwhash_str_needs_rehash(buf, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

}  // namespace aw::crypto
