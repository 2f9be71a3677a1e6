// bcrypt verification (crypto/password.h) for users imported from MongoDB.

#include <crypt.h>

#include <gtest/gtest.h>

#include "crypto/password.h"

namespace aw::crypto {
namespace {

TEST(BcryptVerify, KnownHashes) {
  struct C { const char* password; const char* hash; };
  const C good[] = {
      // crypt_blowfish's published test vector.
      {"U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"},
      // Made with Python's crypt (libxcrypt), as passlib/bcrypt write them for the original service.
      {"Migrate-me-42", "$2b$10$abcdefghijklmnopqrstuuv4bywCBY4uU/.MK3UtP3BBDgenkxycu"},
      {"Migrate-me-42", "$2a$04$abcdefghijklmnopqrstuu3FxTWL1.lp1nVtMor.Lm7bkxu4pSu5K"},
  };
  for (const auto& c : good) {
    EXPECT_TRUE(VerifyPassword(c.password, c.hash)) << c.hash;
    EXPECT_FALSE(VerifyPassword(std::string(c.password) + "x", c.hash)) << c.hash;
    EXPECT_FALSE(VerifyPassword("", c.hash)) << c.hash;
    EXPECT_TRUE(PasswordNeedsRehash(c.hash)) << c.hash;
  }
}

TEST(BcryptVerify, FreshSaltFromCryptGensalt) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  ASSERT_NE(crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof(salt)), nullptr);
  crypt_data data{};
  const char* h = crypt_r("correct horse", salt, &data);
  ASSERT_NE(h, nullptr);
  std::string hash(h);
  ASSERT_EQ(hash.size(), 60u);
  EXPECT_TRUE(VerifyPassword("correct horse", hash));
  EXPECT_FALSE(VerifyPassword("correct horsf", hash));
  // The $2y$ spelling (PHP) of the same hash verifies too.
  std::string y = hash;
  y[2] = 'y';
  EXPECT_TRUE(VerifyPassword("correct horse", y));
}

TEST(BcryptVerify, MalformedHashesAreRefused) {
  const char* bad[] = {
      "$2b$10$abcdefghijklmnopqrstuuv4bywCBY4uU/.MK3UtP3BBDgenkxyc",    // one short
      "$2b$10$abcdefghijklmnopqrstuuv4bywCBY4uU/.MK3UtP3BBDgenkxycuu",  // one long
      "$2b$99$abcdefghijklmnopqrstuuv4bywCBY4uU/.MK3UtP3BBDgenkxycu",   // cost out of range
      "$2b$10$abcdefghijklmnopqrstuuv4bywCBY4uU/.MK3UtP3BBDgenkx!cu",   // bad alphabet
      "$2x$10$abcdefghijklmnopqrstuuv4bywCBY4uU/.MK3UtP3BBDgenkxycu",   // unknown variant
      "$2b$",
      "",
  };
  for (const char* h : bad) EXPECT_FALSE(VerifyPassword("Migrate-me-42", h)) << h;
  // A NUL in the password cannot match a bcrypt hash (bcrypt stops at it).
  EXPECT_FALSE(VerifyPassword(std::string("Migrate-me-42\0tail", 18),
                              "$2b$10$abcdefghijklmnopqrstuuv4bywCBY4uU/.MK3UtP3BBDgenkxycu"));
}

TEST(BcryptVerify, ArgonStillWorksAndIsNotRehashed) {
  std::string h = HashPassword("pw");
  EXPECT_TRUE(VerifyPassword("pw", h));
  EXPECT_FALSE(PasswordNeedsRehash(h));
}

}  // namespace
}  // namespace aw::crypto
