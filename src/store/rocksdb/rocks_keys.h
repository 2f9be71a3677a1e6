#pragma once

// Key layout of the RocksDB backend (docs/data-model.md, "RocksDB layout").
// Everything lives in the default column family, told apart by a one-byte
// tag, so one WriteBatch holds an item, its GSI entries and its TTL entry:
//
//   'm' name                                 -> table definition (JSON)
//   'n'                                      -> next table/index id (JSON number)
//   'i' id32 E(pk) E(sk)                     -> the item (compact JSON)
//   'x' index_id32 E(ipk) E(isk) E(pk) E(sk) -> "" (GSI entry)
//   't' id32 u64(ttl) E(pk) E(sk)            -> "" (TTL entry, for the sweeper)
//
// E(s) escapes 0x00 as 0x00 0xFF and ends with 0x00 0x01: order-preserving
// and prefix-free, so a tuple of E()s sorts as the tuple of strings does
// (bytewise, as DynamoDB compares sort keys) and a partition is one key
// range. A missing sort key is stored as "". id32/u64 are big-endian.
//
// Thread-safe (pure functions).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aw::store::rocks {

inline constexpr char kMetaTag = 'm';
inline constexpr char kCounterTag = 'n';
inline constexpr char kItemTag = 'i';
inline constexpr char kIndexTag = 'x';
inline constexpr char kTtlTag = 't';

void AppendEscaped(std::string& out, std::string_view s);  // E(s)
void AppendU32(std::string& out, uint32_t v);
void AppendU64(std::string& out, uint64_t v);
// Reads one E() from the front of `in`, advancing it; nullopt if malformed.
std::optional<std::string> ReadEscaped(std::string_view& in);

// A tag followed by a big-endian id: the prefix of a table's items, an
// index's entries or a table's TTL entries.
std::string IdPrefix(char tag, uint32_t id);
// The prefix of a partition: IdPrefix + E(pk).
std::string PartitionPrefix(char tag, uint32_t id, std::string_view pk);
std::string ItemKey(uint32_t table_id, std::string_view pk, std::string_view sk);
std::string IndexEntryKey(uint32_t index_id, std::string_view ipk, std::string_view isk, std::string_view pk,
                          std::string_view sk);
std::string TtlKey(uint32_t table_id, uint64_t ttl, std::string_view pk, std::string_view sk);
std::string MetaKey(std::string_view table);

// Exclusive upper bound of every key that starts with prefix + E(s) (E(s)'s
// terminator 0x00 0x01 replaced by 0x00 0x02): for a backward range scan
// whose last sort-key value is `s`, ties included.
std::string AfterComponent(std::string_view prefix, std::string_view s);
// The smallest key above every key starting with `prefix` (prefix is never
// all 0xFF here: it starts with a tag).
std::string PrefixEnd(std::string_view prefix);

}  // namespace aw::store::rocks
