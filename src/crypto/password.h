#pragma once

// Password hashing with Argon2id (libsodium crypto_pwhash_str, parameters
// OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE: about 64 MiB and tens of
// milliseconds per call, so call it off the network threads when possible).
//
// Encoded hashes are the PHC strings libsodium writes ("$argon2id$v=19$m=...").
// Thread-safe; libsodium is initialised once on first use.

#include <string>
#include <string_view>

namespace aw::crypto {

// A fresh salted Argon2id hash of `password` (any bytes, may be empty).
// Aborts the process if libsodium cannot allocate its working memory.
std::string HashPassword(std::string_view password);

// True iff `encoded` is a well-formed argon2id or argon2i hash of `password`.
// Malformed hashes, unknown schemes and bcrypt ($2a$/$2b$/$2y$, not supported
// yet) give false.
bool VerifyPassword(std::string_view password, std::string_view encoded);

// True when `encoded` is not an argon2id hash with the current parameters
// (including argon2i, bcrypt and malformed strings): after a successful
// VerifyPassword, store HashPassword(password) in its place.
bool PasswordNeedsRehash(std::string_view encoded);

}  // namespace aw::crypto
