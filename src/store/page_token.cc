#include "store/page_token.h"

#include <cstdint>

#include "crypto/hash.h"

namespace aw::store {
namespace {

constexpr int kTokenVersion = 1;

Status Malformed() { return Status::InvalidArgument("malformed page token"); }

const std::string* StringField(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

}  // namespace

std::string EncodePageToken(const PageToken& token) {
  nlohmann::json j = {{"v", kTokenVersion}, {"t", token.table}, {"pk", token.key.pk}};
  if (!token.index.empty()) j["i"] = token.index;
  if (token.key.sk) j["sk"] = *token.key.sk;
  if (token.index_pk) j["ipk"] = *token.index_pk;
  if (token.index_sk) j["isk"] = *token.index_sk;
  if (token.scan) j["scan"] = true;
  // Keys come from stored items, which are valid UTF-8; replace is a safety net.
  return crypto::Base64UrlEncode(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<PageToken> DecodePageToken(std::string_view text) {
  // Unpadded only, so that every token has one spelling.
  if (text.find('=') != std::string_view::npos) return Malformed();
  auto raw = crypto::Base64UrlDecode(text);
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
