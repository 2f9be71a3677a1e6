#include "crypto/password.h"

#include <crypt.h>
#include <sodium.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "crypto/hash.h"

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

bool IsBcrypt(std::string_view s) {
  return StartsWith(s, "$2a$") || StartsWith(s, "$2b$") || StartsWith(s, "$2y$");
}

// "$2b$NN$" + 53 characters of the bcrypt base64 alphabet.
bool WellFormedBcrypt(std::string_view s) {
  if (s.size() != 60 || !IsBcrypt(s) || s[6] != '$') return false;
  if (s[4] < '0' || s[4] > '3' || s[5] < '0' || s[5] > '9') return false;
  const int cost = (s[4] - '0') * 10 + (s[5] - '0');
  if (cost < 4 || cost > 31) return false;
  for (char c : s.substr(7)) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/')) return false;
  }
  return true;
}

bool VerifyBcrypt(std::string_view password, std::string_view encoded) {
  if (!WellFormedBcrypt(encoded)) return false;
  // bcrypt reads a C string: a password with a NUL byte cannot match.
  if (password.find('\0') != std::string_view::npos) return false;
  const std::string pw(password);
  const std::string setting(encoded);
  auto data = std::make_unique<crypt_data>();  // ~32 KB: not on the stack
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* out = crypt_r(pw.c_str(), setting.c_str(), data.get());
  if (out == nullptr || out[0] == '*') return false;  // "*0"/"*1": failure tokens
  return ConstantTimeEquals(std::string_view(out), encoded);
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
  if (IsBcrypt(encoded)) return VerifyBcrypt(password, encoded);
  if (!FitsEncoded(encoded)) return false;
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
