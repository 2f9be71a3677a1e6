#include "crypto/x509_verify.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>

namespace aw::crypto {

Result<std::shared_ptr<const CertificateKey>> CertificateKey::FromPem(std::string_view pem,
                                                                      int64_t now_seconds) {
  if (pem.empty() || pem.size() > (64 << 10)) {
    return Status::InvalidArgument("the signing certificate is empty or too large");
  }
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return Status::InvalidArgument("cannot read the signing certificate");
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr)
    return Status::InvalidArgument("the signing certificate is not a PEM X.509 certificate");
  time_t now = static_cast<time_t>(now_seconds);
  const bool not_yet = X509_cmp_time(X509_get0_notBefore(cert), &now) > 0;
  const bool expired = X509_cmp_time(X509_get0_notAfter(cert), &now) < 0;
  EVP_PKEY* key = X509_get_pubkey(cert);  // a new reference
  X509_free(cert);
  if (not_yet || expired) {
    EVP_PKEY_free(key);
    return Status::InvalidArgument(not_yet ? "the signing certificate is not valid yet"
                                           : "the signing certificate has expired");
  }
  if (key == nullptr || EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    return Status::InvalidArgument("the signing certificate does not hold an RSA key");
  }
  return std::shared_ptr<const CertificateKey>(new CertificateKey(key));
}

CertificateKey::~CertificateKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

bool CertificateKey::Verify(SignatureDigest digest, std::string_view data, std::string_view signature) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  const EVP_MD* md = digest == SignatureDigest::kSha1 ? EVP_sha1() : EVP_sha256();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, static_cast<EVP_PKEY*>(pkey_)) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace aw::crypto
