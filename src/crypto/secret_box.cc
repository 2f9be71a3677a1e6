#include "crypto/secret_box.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "crypto/hash.h"

namespace aw::crypto {
namespace {

constexpr std::string_view kPrefix = "v1.";
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* U(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "fatal: AES-256-GCM %s failed\n", what);
  std::abort();
}

// OpenSSL wants non-null pointers even for zero-length buffers in some paths.
const unsigned char* NonNull(std::string_view s) {
  static const unsigned char kZero = 0;
  return s.empty() ? &kZero : U(s);
}

}  // namespace

aw::Result<SecretBox> SecretBox::FromKey(std::string key) {
  if (key.size() != kKeySize) {
    return aw::Status::InvalidArgument("secret box key must be 32 bytes, got " + std::to_string(key.size()));
  }
  return SecretBox(std::move(key));
}

std::string SecretBox::Seal(std::string_view plaintext) const { return Seal(plaintext, {}); }

std::string SecretBox::Seal(std::string_view plaintext, std::string_view aad) const {
  std::string nonce = RandomBytes(kNonceSize);
  std::string ciphertext(plaintext.size(), '\0');
  std::string tag(kTagSize, '\0');

  CtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) Die("context allocation");
  int len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key_), U(nonce)) != 1) Die("init");
  if (!aad.empty() &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1) {
    Die("aad");
  }
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), U(ciphertext), &len, NonNull(plaintext),
                                              static_cast<int>(plaintext.size())) != 1) {
    Die("update");
  }
  if (EVP_EncryptFinal_ex(ctx.get(), U(ciphertext) + plaintext.size(), &len) != 1) Die("final");
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, U(tag)) != 1) Die("tag");

  return std::string(kPrefix) + Base64UrlEncode(nonce + ciphertext + tag);
}

aw::Result<std::string> SecretBox::Open(std::string_view sealed) const { return Open(sealed, {}); }

aw::Result<std::string> SecretBox::Open(std::string_view sealed, std::string_view aad) const {
  auto bad = [](const char* why) { return aw::Status::InvalidArgument(std::string("sealed secret ") + why); };
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return bad("has an unknown format");
  std::optional<std::string> raw = Base64UrlDecode(sealed.substr(kPrefix.size()));
  if (!raw) return bad("is not valid base64url");
  if (raw->size() < kNonceSize + kTagSize) return bad("is too short");

  std::string_view all(*raw);
  std::string_view nonce = all.substr(0, kNonceSize);
  std::string_view ciphertext = all.substr(kNonceSize, all.size() - kNonceSize - kTagSize);
  std::string tag(all.substr(all.size() - kTagSize));
  std::string plaintext(ciphertext.size(), '\0');

  CtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) Die("context allocation");
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key_), U(nonce)) != 1) Die("init");
  if (!aad.empty() &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1) {
    Die("aad");
  }
  if (!ciphertext.empty() && EVP_DecryptUpdate(ctx.get(), U(plaintext), &len, NonNull(ciphertext),
                                               static_cast<int>(ciphertext.size())) != 1) {
    Die("update");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, U(tag)) != 1) Die("set tag");
  if (EVP_DecryptFinal_ex(ctx.get(), U(plaintext) + ciphertext.size(), &len) != 1) {
    return bad("failed authentication (tampered, or wrong key)");
  }
  return plaintext;
}

}  // namespace aw::crypto
