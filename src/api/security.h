// Passwords (argon2id) and tokens (256-bit random, stored only as SHA-256 hashes).
#pragma once
#include <string>
#include <string_view>

namespace openkap::api {

bool init_crypto();  // libsodium; false when it cannot initialise (no entropy)

// argon2id with libsodium's INTERACTIVE limits (2 passes, 64 MiB): a login costs ~0.1 s.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& stored_hash, std::string_view password);
// Spends the same time as a real verification, so unknown usernames are not revealed by timing.
void verify_password_dummy(std::string_view password);

std::string random_token_hex(size_t bytes = 32);  // 32 bytes = 256 bits
std::string sha256_hex(std::string_view data);
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace openkap::api
