#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <string>

#include "crypto/x509_verify.h"

namespace aw::crypto {
namespace {

constexpr int64_t kNow = 1'796'289'327;  // 2026-12-03

// A self-signed RSA certificate valid for [kNow - 1 day, kNow + 1 day], and
// a signer with its key: what a stand-in SNS does.
struct TestCa {
  EVP_PKEY* key = nullptr;
  std::string pem;

  TestCa() {
    key = EVP_RSA_gen(2048);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    time_t t = static_cast<time_t>(kNow);
    X509_time_adj_ex(X509_getm_notBefore(cert), -1, 0, &t);
    X509_time_adj_ex(X509_getm_notAfter(cert), 1, 0, &t);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("sns.test"),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    pem.assign(data, static_cast<size_t>(n));
    BIO_free(bio);
    X509_free(cert);
  }
  ~TestCa() { EVP_PKEY_free(key); }

  std::string Sign(const EVP_MD* md, const std::string& data) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t n = 0;
    EVP_DigestSignInit(ctx, nullptr, md, nullptr, key);
    EVP_DigestSign(ctx, nullptr, &n, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string sig(n, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &n,
                   reinterpret_cast<const unsigned char*>(data.data()), data.size());
    sig.resize(n);
    EVP_MD_CTX_free(ctx);
    return sig;
  }
};

TEST(CryptoX509VerifyTest, VerifiesSha1AndSha256Signatures) {
  TestCa ca;
  auto key = CertificateKey::FromPem(ca.pem, kNow);
  ASSERT_TRUE(key.ok()) << key.status().message();
  const std::string data = "Message\nhello\nType\nNotification\n";
  const std::string sig1 = ca.Sign(EVP_sha1(), data);
  const std::string sig256 = ca.Sign(EVP_sha256(), data);
  EXPECT_TRUE((*key)->Verify(SignatureDigest::kSha1, data, sig1));
  EXPECT_TRUE((*key)->Verify(SignatureDigest::kSha256, data, sig256));
  // Wrong digest, changed data, changed signature, empty signature.
  EXPECT_FALSE((*key)->Verify(SignatureDigest::kSha256, data, sig1));
  EXPECT_FALSE((*key)->Verify(SignatureDigest::kSha1, data + " ", sig1));
  std::string bad = sig256;
  bad[10] ^= 1;
  EXPECT_FALSE((*key)->Verify(SignatureDigest::kSha256, data, bad));
  EXPECT_FALSE((*key)->Verify(SignatureDigest::kSha256, data, ""));
  // Another key's signature.
  TestCa other;
  EXPECT_FALSE((*key)->Verify(SignatureDigest::kSha256, data, other.Sign(EVP_sha256(), data)));
}

TEST(CryptoX509VerifyTest, RefusesWhatIsNotAValidCertificate) {
  TestCa ca;
  EXPECT_FALSE(CertificateKey::FromPem("", kNow).ok());
  EXPECT_FALSE(CertificateKey::FromPem("not a certificate", kNow).ok());
  EXPECT_FALSE(CertificateKey::FromPem(ca.pem.substr(0, ca.pem.size() / 2), kNow).ok());
  auto expired = CertificateKey::FromPem(ca.pem, kNow + 3 * 86400);
  ASSERT_FALSE(expired.ok());
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos);
  auto early = CertificateKey::FromPem(ca.pem, kNow - 3 * 86400);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.status().message().find("not valid yet"), std::string::npos);
}

}  // namespace
}  // namespace aw::crypto
