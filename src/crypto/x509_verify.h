#pragma once

// RSA signature checks with the public key of an X.509 certificate (PEM),
// as Amazon SNS messages need (services/sns_verifier.h). OpenSSL 3 EVP
// underneath. Thread-safe: a CertificateKey is immutable once made and may
// be shared between threads.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace aw::crypto {

enum class SignatureDigest { kSha1, kSha256 };

class CertificateKey {
 public:
  // Parses the first certificate in `pem` and keeps its public key.
  // kInvalidArgument (one sentence) when it is not a PEM certificate, is not
  // valid at `now_seconds` (notBefore..notAfter), or its key is not RSA.
  static Result<std::shared_ptr<const CertificateKey>> FromPem(std::string_view pem, int64_t now_seconds);
  ~CertificateKey();
  CertificateKey(const CertificateKey&) = delete;
  CertificateKey& operator=(const CertificateKey&) = delete;

  // Whether `signature` (raw bytes) is the RSA PKCS#1 v1.5 signature of
  // `data` with `digest` under this key. Never throws.
  bool Verify(SignatureDigest digest, std::string_view data, std::string_view signature) const;

 private:
  explicit CertificateKey(void* pkey) : pkey_(pkey) {}
  void* pkey_;  // EVP_PKEY*
};

}  // namespace aw::crypto
