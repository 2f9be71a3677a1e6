#include "store/rocksdb/rocks_keys.h"

namespace aw::store::rocks {

void AppendEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');
  }
  out.push_back('\0');
  out.push_back('\x01');
}

void AppendU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void AppendU64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::optional<std::string> ReadEscaped(std::string_view& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\0') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 1 >= in.size()) return std::nullopt;
    if (in[i + 1] == '\x01') {
      in.remove_prefix(i + 2);
      return out;
    }
    if (in[i + 1] != '\xff') return std::nullopt;
    out.push_back('\0');
    ++i;
  }
  return std::nullopt;
}

std::string IdPrefix(char tag, uint32_t id) {
  std::string k(1, tag);
  AppendU32(k, id);
  return k;
}

std::string PartitionPrefix(char tag, uint32_t id, std::string_view pk) {
  std::string k = IdPrefix(tag, id);
  AppendEscaped(k, pk);
  return k;
}

std::string ItemKey(uint32_t table_id, std::string_view pk, std::string_view sk) {
  std::string k = PartitionPrefix(kItemTag, table_id, pk);
  AppendEscaped(k, sk);
  return k;
}

std::string IndexEntryKey(uint32_t index_id, std::string_view ipk, std::string_view isk, std::string_view pk,
                          std::string_view sk) {
  std::string k = PartitionPrefix(kIndexTag, index_id, ipk);
  AppendEscaped(k, isk);
  AppendEscaped(k, pk);
  AppendEscaped(k, sk);
  return k;
}

std::string TtlKey(uint32_t table_id, uint64_t ttl, std::string_view pk, std::string_view sk) {
  std::string k = IdPrefix(kTtlTag, table_id);
  AppendU64(k, ttl);
  AppendEscaped(k, pk);
  AppendEscaped(k, sk);
  return k;
}

std::string MetaKey(std::string_view table) {
  std::string k(1, kMetaTag);
  k.append(table);
  return k;
}

std::string AfterComponent(std::string_view prefix, std::string_view s) {
  std::string k(prefix);
  AppendEscaped(k, s);
  k.back() = '\x02';
  return k;
}

std::string PrefixEnd(std::string_view prefix) {
  std::string k(prefix);
  while (!k.empty() && static_cast<unsigned char>(k.back()) == 0xff) k.pop_back();
  if (!k.empty()) k.back() = static_cast<char>(static_cast<unsigned char>(k.back()) + 1);
  return k;
}

}  // namespace aw::store::rocks
