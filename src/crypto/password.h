#pragma once

// Password hashing with Argon2id (libsodium crypto_pwhash_str, parameters
// OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE: about 64 MiB and tens of
// milliseconds per call, so call it off the network threads when possible).
//
// Encoded hashes are the PHC strings libsodium writes ("$argon2id$v=19$m=...").
// bcrypt hashes are verified only (never written): a user signing in with one
// gets an Argon2id hash in its place (PasswordNeedsRehash).
// Thread-safe; libsodium is initialised once on first use; crypt_r keeps its
// state in a per-call buffer.

#include <string>
#include <string_view>

namespace aw::crypto {

// A fresh salted Argon2id hash of `password` (any bytes, may be empty).
// Aborts the process if libsodium cannot allocate its working memory.
std::string HashPassword(std::string_view password);

// True iff `encoded` is a well-formed hash of `password`: argon2id or argon2i
// (libsodium), or bcrypt "$2a$" / "$2b$" / "$2y$" (libxcrypt's crypt_r; kept
// for users imported from the MongoDB version, whose hashes are bcrypt).
// Malformed hashes and unknown schemes give false.
bool VerifyPassword(std::string_view password, std::string_view encoded);

// True when `encoded` is not an argon2id hash with the current parameters
// (including argon2i, bcrypt and malformed strings): after a successful
// VerifyPassword, store HashPassword(password) in its place.
bool PasswordNeedsRehash(std::string_view encoded);

}  // namespace aw::crypto
