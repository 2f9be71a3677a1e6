#include "store/page_token.h"

#include <array>
#include <cstdint>

namespace aw::store {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr int kTokenVersion = 1;

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

Status Malformed() { return Status::InvalidArgument("malformed page token"); }

const std::string* StringField(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int d = DecodeChar(c);
    if (d < 0) return std::nullopt;
    acc = (acc << 6) | uint32_t(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, so that every token has one spelling.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string EncodePageToken(const PageToken& token) {
  nlohmann::json j = {{"v", kTokenVersion}, {"t", token.table}, {"pk", token.key.pk}};
  if (!token.index.empty()) j["i"] = token.index;
  if (token.key.sk) j["sk"] = *token.key.sk;
  if (token.index_pk) j["ipk"] = *token.index_pk;
  if (token.index_sk) j["isk"] = *token.index_sk;
  if (token.scan) j["scan"] = true;
  // Keys come from stored items, which are valid UTF-8; replace is a safety net.
  return Base64UrlEncode(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<PageToken> DecodePageToken(std::string_view text) {
  auto raw = Base64UrlDecode(text);
  if (!raw) return Malformed();
  nlohmann::json j = nlohmann::json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Malformed();
  auto v = j.find("v");
  if (v == j.end() || !v->is_number_integer() || v->get<int64_t>() != kTokenVersion) return Malformed();
  const std::string* table = StringField(j, "t");
  const std::string* pk = StringField(j, "pk");
  if (table == nullptr || pk == nullptr) return Malformed();
  PageToken token;
  token.table = *table;
  token.key.pk = *pk;
  if (j.contains("i")) {
    const std::string* index = StringField(j, "i");
    if (index == nullptr) return Malformed();
    token.index = *index;
  }
  struct Opt {
    const char* name;
    std::optional<std::string>* out;
  };
  for (Opt o : {Opt{"sk", &token.key.sk}, Opt{"ipk", &token.index_pk}, Opt{"isk", &token.index_sk}}) {
    if (!j.contains(o.name)) continue;
    const std::string* s = StringField(j, o.name);
    if (s == nullptr) return Malformed();
    *o.out = *s;
  }
  if (j.contains("scan")) {
    if (j["scan"] != true) return Malformed();
    token.scan = true;
  }
  if (token.index.empty() != !token.index_pk.has_value()) return Malformed();
  if (token.scan && !token.index.empty()) return Malformed();
  if (token.index.empty() && token.index_sk) return Malformed();
  return token;
}

}  // namespace aw::store
