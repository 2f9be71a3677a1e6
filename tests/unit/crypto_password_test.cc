#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "crypto/password.h"

namespace aw::crypto {
namespace {

// Each hash costs ~64 MiB and tens of milliseconds: compute once and share.
const std::string& Hashed() {
  static const std::string h = HashPassword("correct horse battery staple");
  return h;
}

TEST(CryptoPasswordTest, HashHasArgon2idFormatAndIsSalted) {
  const std::string& h = Hashed();
  EXPECT_EQ(h.rfind("$argon2id$v=19$", 0), 0u) << h;
  EXPECT_NE(HashPassword("correct horse battery staple"), h);  // fresh salt
}

TEST(CryptoPasswordTest, VerifyRightAndWrong) {
  EXPECT_TRUE(VerifyPassword("correct horse battery staple", Hashed()));
  EXPECT_FALSE(VerifyPassword("correct horse battery stapl", Hashed()));
  EXPECT_FALSE(VerifyPassword("Correct horse battery staple", Hashed()));
  EXPECT_FALSE(VerifyPassword("", Hashed()));
}

TEST(CryptoPasswordTest, BinaryAndEmptyPasswords) {
  std::string with_nul("pa\0ss", 5);
  std::string h = HashPassword(with_nul);
  EXPECT_TRUE(VerifyPassword(with_nul, h));
  EXPECT_FALSE(VerifyPassword("pa", h));  // the NUL does not truncate the password
  std::string empty = HashPassword("");
  EXPECT_TRUE(VerifyPassword("", empty));
  EXPECT_FALSE(VerifyPassword(" ", empty));
}

TEST(CryptoPasswordTest, MalformedHashesAreFalse) {
  const std::string& h = Hashed();
  std::string truncated = h.substr(0, h.size() - 5);
  std::string bad_params = h;
  bad_params.replace(bad_params.find("m="), 2, "x=");
  std::string with_nul = h;
  with_nul[20] = '\0';
  for (const std::string& enc :
       {std::string(), std::string("plaintext"), std::string("$argon2id$"), truncated, bad_params, with_nul,
        h + "AAAA", std::string(500, 'a'), std::string("$argon2id$v=19$m=65536,t=2,p=1$$")}) {
    EXPECT_FALSE(VerifyPassword("correct horse battery staple", enc)) << enc;
  }
}

TEST(CryptoPasswordTest, BcryptVerifiedForImportedUsers) {
  // crypt_blowfish test vector: "U*U" under $2a$ cost 5 (same result under $2b$ and $2y$).
  // Verified (users imported from MongoDB), and always due for a rehash to Argon2id.
  const std::string bcrypt = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
  EXPECT_TRUE(VerifyPassword("U*U", bcrypt));
  EXPECT_TRUE(VerifyPassword("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_TRUE(VerifyPassword("U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_FALSE(VerifyPassword("U*V", bcrypt));
  EXPECT_TRUE(PasswordNeedsRehash(bcrypt));
}

TEST(CryptoPasswordTest, NeedsRehash) {
  EXPECT_FALSE(PasswordNeedsRehash(Hashed()));
  EXPECT_TRUE(PasswordNeedsRehash(""));
  EXPECT_TRUE(PasswordNeedsRehash("garbage"));
  // Same scheme, different (weaker) cost parameters.
  std::string weaker = Hashed();
  size_t t = weaker.find(",t=");
  ASSERT_NE(t, std::string::npos);
  weaker[t + 3] = '1';
  EXPECT_TRUE(PasswordNeedsRehash(weaker));
}

// Reference-implementation vectors (phc-winner-argon2 src/test.c): "password", salt "somesalt".
constexpr char kRefArgon2id[] =
    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
constexpr char kRefArgon2i[] =
    "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA";

TEST(CryptoPasswordTest, ReferenceVectorsVerify) {
  EXPECT_TRUE(VerifyPassword("password", kRefArgon2id));
  EXPECT_FALSE(VerifyPassword("Password", kRefArgon2id));
  EXPECT_TRUE(VerifyPassword("password", kRefArgon2i));
  EXPECT_FALSE(VerifyPassword("differentpassword", kRefArgon2i));
  // The scheme name is bound to the hash: relabelling argon2i as argon2id fails.
  std::string relabelled = std::string("$argon2id$") + (kRefArgon2i + sizeof("$argon2i$") - 1);
  EXPECT_FALSE(VerifyPassword("password", relabelled));
}

TEST(CryptoPasswordTest, RehashOnlyForOtherSchemesOrParameters) {
  // m=65536 KiB, t=2 are exactly the INTERACTIVE limits.
  EXPECT_FALSE(PasswordNeedsRehash(kRefArgon2id));
  EXPECT_TRUE(PasswordNeedsRehash(kRefArgon2i));
}

TEST(CryptoPasswordTest, ConcurrentUseIsSafe) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back(
        [&ok, i] { ok[i] = VerifyPassword("correct horse battery staple", Hashed()) ? 1 : 0; });
  }
  for (auto& t : threads) t.join();
  for (int v : ok) EXPECT_EQ(v, 1);
}

}  // namespace
}  // namespace aw::crypto
