#include "store/sqlite/sqlite_schema.h"

#include <sqlite3.h>

#include <cstdint>

namespace aw::store::sqlite {
namespace {

constexpr int kBackfillBatch = 1000;

std::string Col(int slot, const char* part) { return "g" + std::to_string(slot) + "_" + part; }

nlohmann::json OptString(const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nullptr; }

std::optional<std::string> ReadOptString(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

nlohmann::json ToMetaJson(const SqlTable& t) {
  nlohmann::json indexes = nlohmann::json::array();
  for (size_t i = 0; i < t.spec.indexes.size(); ++i) {
    const auto& idx = t.spec.indexes[i];
    indexes.push_back({{"name", idx.name}, {"pk", idx.pk}, {"sk", OptString(idx.sk)}, {"slot", t.slots[i]}});
  }
  return {{"name", t.spec.name},        {"pk", t.spec.pk},
          {"sk", OptString(t.spec.sk)}, {"ttl", OptString(t.spec.ttl_attribute)},
          {"indexes", indexes},         {"next_slot", t.next_slot}};
}

SqlTablePtr MakeVersion(TableSpec spec, std::vector<int> slots, int next_slot) {
  auto t = std::make_shared<SqlTable>();
  t->spec = std::move(spec);
  t->slots = std::move(slots);
  t->next_slot = next_slot;
  t->ident = QuoteIdent(SqlTableName(t->spec.name));
  t->select_sql = "SELECT item FROM " + t->ident + " WHERE pk=?1 AND sk=?2";
  t->get_sql = t->select_sql + " AND (ttl IS NULL OR ttl>?3)";
  std::string cols = "pk,sk,item,ttl", params = "?1,?2,?3,?4";
  int n = 4;
  for (int slot : t->slots) {
    cols += "," + Col(slot, "pk") + "," + Col(slot, "sk");
    params += ",?" + std::to_string(++n);
    params += ",?" + std::to_string(++n);
  }
  t->upsert_sql = "INSERT OR REPLACE INTO " + t->ident + "(" + cols + ") VALUES(" + params + ")";
  t->delete_sql = "DELETE FROM " + t->ident + " WHERE pk=?1 AND sk=?2";
  return t;
}

Result<SqlTablePtr> FromMetaJson(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&] { return Status::Internal("unreadable table definition in _aw_tables: " + text); };
  if (!j.is_object() || !j["name"].is_string() || !j["pk"].is_string() || !j["indexes"].is_array() ||
      !j["next_slot"].is_number_integer()) {
    return bad();
  }
  TableSpec spec;
  spec.name = j["name"].get<std::string>();
  spec.pk = j["pk"].get<std::string>();
  spec.sk = ReadOptString(j, "sk");
  spec.ttl_attribute = ReadOptString(j, "ttl");
  std::vector<int> slots;
  for (const auto& idx : j["indexes"]) {
    if (!idx.is_object() || !idx["name"].is_string() || !idx["pk"].is_string() ||
        !idx["slot"].is_number_integer()) {
      return bad();
    }
    spec.indexes.push_back(
        {idx["name"].get<std::string>(), idx["pk"].get<std::string>(), ReadOptString(idx, "sk")});
    slots.push_back(idx["slot"].get<int>());
  }
  return MakeVersion(std::move(spec), std::move(slots), j["next_slot"].get<int>());
}

void BindNumber(Stmt& s, int i, const std::optional<SqlNumber>& n) {
  if (!n) {
    s.BindNull(i);
  } else if (n->is_int) {
    s.BindInt(i, n->i);
  } else {
    s.BindDouble(i, n->d);
  }
}

Status CreateIndex(Db& db, const SqlTable& t, int slot) {
  return db.Exec("CREATE INDEX IF NOT EXISTS " + t.IndexIdent(slot) + " ON " + t.ident + "(" +
                 Col(slot, "pk") + "," + Col(slot, "sk") + ",pk,sk) WHERE " + Col(slot, "pk") +
                 " IS NOT NULL");
}

Status SaveMeta(Db& db, const SqlTable& t) {
  auto s = db.Prepare("INSERT OR REPLACE INTO _aw_tables(name, spec) VALUES(?1, ?2)");
  if (!s.ok()) return s.status();
  s->BindText(1, t.spec.name);
  s->BindText(2, ToMetaJson(t).dump());
  return db.Run(*s, "cannot record the table definition");
}

// Recomputes the TTL column and the columns of `slots` for every row.
Status Backfill(Db& db, const SqlTable& t, const std::vector<size_t>& index_positions) {
  std::string set = "ttl=?1";
  int n = 1;
  for (size_t pos : index_positions) {
    set += "," + Col(t.slots[pos], "pk") + "=?" + std::to_string(++n);
    set += "," + Col(t.slots[pos], "sk") + "=?" + std::to_string(++n);
  }
  std::string update = "UPDATE " + t.ident + " SET " + set + " WHERE pk=?" + std::to_string(n + 1) +
                       " AND sk=?" + std::to_string(n + 2);
  std::string select = "SELECT pk, sk, item FROM " + t.ident +
                       " WHERE (pk,sk)>(?1,?2) ORDER BY pk, sk LIMIT " + std::to_string(kBackfillBatch);
  std::string last_pk, last_sk;
  while (true) {
    struct Pending {
      std::string pk, sk, text;
    };
    std::vector<Pending> rows;
    {
      auto s = db.Prepare(select);
      if (!s.ok()) return s.status();
      s->BindText(1, last_pk);
      s->BindText(2, last_sk);
      int rc;
      while ((rc = s->Step()) == SQLITE_ROW) {
        rows.push_back(
            {std::string(s->ColumnText(0)), std::string(s->ColumnText(1)), std::string(s->ColumnText(2))});
      }
      if (rc != SQLITE_DONE) return db.Error(rc, "cannot read rows to back-fill");
    }
    if (rows.empty()) return Status::OK();
    for (const auto& r : rows) {
      auto item = nlohmann::json::parse(r.text, nullptr, false);
      RowValues v = ComputeRow(t, item, "");
      auto u = db.Prepare(update);
      if (!u.ok()) return u.status();
      BindNumber(*u, 1, v.ttl);
      int p = 1;
      for (size_t pos : index_positions) {
        const auto& g = v.gsi[pos];
        if (g) {
          u->BindText(++p, g->pk);
          u->BindText(++p, g->sk);
        } else {
          u->BindNull(++p);
          u->BindNull(++p);
        }
      }
      u->BindText(++p, r.pk);
      u->BindText(++p, r.sk);
      if (auto st = db.Run(*u, "cannot back-fill an index"); !st.ok()) return st;
    }
    last_pk = rows.back().pk;
    last_sk = rows.back().sk;
  }
}

}  // namespace

std::string SqlTable::IndexIdent(int slot) const {
  return QuoteIdent("i:" + spec.name + ":g" + std::to_string(slot));
}

std::string SqlTableName(const std::string& table) { return "t:" + table; }

RowValues ComputeRow(const SqlTable& t, const Item& item, std::string text) {
  RowValues row;
  row.version = &t;
  row.text = std::move(text);
  if (const Item* ttl = TtlOf(t.spec, item)) {
    SqlNumber n;
    if (ttl->is_number_unsigned() && ttl->get<uint64_t>() > uint64_t{INT64_MAX}) {
      n.is_int = false;
      n.d = ttl->get<double>();
    } else if (ttl->is_number_integer()) {
      n.i = ttl->get<int64_t>();
    } else {
      n.is_int = false;
      n.d = ttl->get<double>();
    }
    row.ttl = n;
  }
  row.gsi.reserve(t.spec.indexes.size());
  for (const auto& idx : t.spec.indexes) row.gsi.push_back(IndexKeyOf(idx, item));
  return row;
}

Status WriteRow(Db& db, const SqlTable& t, const Key& key, const RowValues& row) {
  auto s = db.Prepare(t.upsert_sql);
  if (!s.ok()) return s.status();
  s->BindText(1, key.pk);
  s->BindText(2, key.sk ? std::string_view(*key.sk) : std::string_view());
  s->BindText(3, row.text);
  BindNumber(*s, 4, row.ttl);
  int p = 4;
  for (const auto& g : row.gsi) {
    if (g) {
      s->BindText(++p, g->pk);
      s->BindText(++p, g->sk);
    } else {
      s->BindNull(++p);
      s->BindNull(++p);
    }
  }
  return db.Run(*s, "cannot write an item");
}

Status EnsureMetaTable(Db& db) {
  return db.Exec(
      "CREATE TABLE IF NOT EXISTS _aw_tables(name TEXT PRIMARY KEY, spec TEXT NOT NULL) WITHOUT ROWID");
}

Result<std::vector<SqlTablePtr>> LoadTables(Db& db) {
  auto s = db.Prepare("SELECT spec FROM _aw_tables ORDER BY name");
  if (!s.ok()) return s.status();
  std::vector<SqlTablePtr> out;
  int rc;
  while ((rc = s->Step()) == SQLITE_ROW) {
    auto t = FromMetaJson(std::string(s->ColumnText(0)));
    if (!t.ok()) return t.status();
    out.push_back(*t);
  }
  if (rc != SQLITE_DONE) return db.Error(rc, "cannot read _aw_tables");
  return out;
}

Result<SqlTablePtr> DefineTable(Db& db, const SqlTable* old, const TableSpec& spec) {
  if (old == nullptr) {
    std::vector<int> slots;
    for (size_t i = 0; i < spec.indexes.size(); ++i) slots.push_back(static_cast<int>(i));
    SqlTablePtr t = MakeVersion(spec, slots, static_cast<int>(slots.size()));
    std::string ddl = "CREATE TABLE IF NOT EXISTS " + t->ident +
                      "(pk TEXT NOT NULL, sk TEXT NOT NULL DEFAULT '', item TEXT NOT NULL, ttl INTEGER";
    for (int slot : t->slots) ddl += ", " + Col(slot, "pk") + " TEXT, " + Col(slot, "sk") + " TEXT";
    ddl += ", PRIMARY KEY(pk, sk)) WITHOUT ROWID";
    if (auto st = db.Exec(ddl); !st.ok()) return st;
    if (auto st = db.Exec("CREATE INDEX IF NOT EXISTS " + QuoteIdent("i:" + spec.name + ":ttl") + " ON " +
                          t->ident + "(ttl) WHERE ttl IS NOT NULL");
        !st.ok()) {
      return st;
    }
    for (int slot : t->slots) {
      if (auto st = CreateIndex(db, *t, slot); !st.ok()) return st;
    }
    if (auto st = SaveMeta(db, *t); !st.ok()) return st;
    return t;
  }
  // Same key schema (checked by the caller); indexes or TTL differ.
  std::vector<int> slots;
  std::vector<size_t> added;  // positions in spec.indexes
  int next_slot = old->next_slot;
  std::vector<bool> kept(old->spec.indexes.size(), false);
  for (size_t i = 0; i < spec.indexes.size(); ++i) {
    int slot = -1;
    for (size_t j = 0; j < old->spec.indexes.size(); ++j) {
      if (SameIndex(old->spec.indexes[j], spec.indexes[i])) {
        slot = old->slots[j];
        kept[j] = true;
      }
    }
    if (slot < 0) {
      slot = next_slot++;
      added.push_back(i);
    }
    slots.push_back(slot);
  }
  SqlTablePtr t = MakeVersion(spec, slots, next_slot);
  for (size_t j = 0; j < kept.size(); ++j) {
    if (kept[j]) continue;
    if (auto st = db.Exec("DROP INDEX IF EXISTS " + old->IndexIdent(old->slots[j])); !st.ok()) return st;
  }
  for (size_t pos : added) {
    int slot = t->slots[pos];
    for (const char* part : {"pk", "sk"}) {
      if (auto st = db.Exec("ALTER TABLE " + t->ident + " ADD COLUMN " + Col(slot, part) + " TEXT");
          !st.ok()) {
        return st;
      }
    }
  }
  if (!added.empty() || old->spec.ttl_attribute != spec.ttl_attribute) {
    if (auto st = Backfill(db, *t, added); !st.ok()) return st;
  }
  for (size_t pos : added) {
    if (auto st = CreateIndex(db, *t, t->slots[pos]); !st.ok()) return st;
  }
  if (auto st = SaveMeta(db, *t); !st.ok()) return st;
  return t;
}

}  // namespace aw::store::sqlite
