// SqliteStore: GetItem, BatchGetItem, Query, Scan on the reader connections.
//
// Query walks the primary key (table) or the GSI's partial index in order
// with the page's bounds in the WHERE clause and stops stepping when the page
// is full, so a page costs O(log n + page) whatever the partition size.

#include <sqlite3.h>

#include <set>
#include <variant>

#include "store/item_ops.h"
#include "store/sqlite/sqlite_readers.h"
#include "store/sqlite/sqlite_schema.h"
#include "store/sqlite/sqlite_store.h"

namespace aw::store {

using sqlite::SqlTable;

namespace {

// A statement text with its positional parameters.
struct SqlQuery {
  std::string sql;
  std::vector<std::variant<std::string, int64_t>> params;

  std::string Param(std::variant<std::string, int64_t> v) {
    params.push_back(std::move(v));
    return "?" + std::to_string(params.size());
  }
  void Bind(sqlite::Stmt& s) const {
    for (size_t i = 0; i < params.size(); ++i) {
      int n = static_cast<int>(i + 1);
      if (const auto* str = std::get_if<std::string>(&params[i])) {
        s.BindText(n, *str);
      } else {
        s.BindInt(n, std::get<int64_t>(params[i]));
      }
    }
  }
};

std::string Col(int slot, const char* part) { return "g" + std::to_string(slot) + "_" + part; }

void AddRange(SqlQuery& q, const std::string& col, const SkRange& r) {
  if (r.lo) q.sql += " AND " + col + (r.lo_inclusive ? ">=" : ">") + q.Param(*r.lo);
  if (r.hi) q.sql += " AND " + col + (r.hi_inclusive ? "<=" : "<") + q.Param(*r.hi);
}

void AddTail(SqlQuery& q, int64_t now, const std::string& order, int limit) {
  q.sql += " AND (ttl IS NULL OR ttl>" + q.Param(now) + ") ORDER BY " + order;
  // One more row than the limit tells whether another page exists.
  if (limit > 0) q.sql += " LIMIT " + q.Param(int64_t{limit} + 1);
}

// Columns: 0 pk, 1 sk, 2 item[, 3 index pk, 4 index sk].
SqlQuery BuildQuery(const SqlTable& t, const QueryRequest& req, const ResolvedQuery& rq, int64_t now) {
  SqlQuery q;
  const char* dir = req.forward ? "" : " DESC";
  SkRange range = rq.range;
  if (rq.index == nullptr) {
    q.sql = "SELECT pk, sk, item FROM " + t.ident + " WHERE pk=" + q.Param(req.pk);
    if (rq.start) {
      // Resume after the token's key, unless the range already starts later.
      std::string at = rq.start->key.sk.value_or("");
      if (req.forward && (!range.lo || at >= *range.lo)) {
        range.lo = at;
        range.lo_inclusive = false;
      } else if (!req.forward && (!range.hi || at <= *range.hi)) {
        range.hi = at;
        range.hi_inclusive = false;
      }
    }
    AddRange(q, "sk", range);
    AddTail(q, now, std::string("sk") + dir, req.limit);
    return q;
  }
  size_t pos = rq.index - t.spec.indexes.data();
  int slot = t.slots[pos];
  std::string gpk = Col(slot, "pk"), gsk = Col(slot, "sk");
  q.sql = "SELECT pk, sk, item, " + gpk + ", " + gsk + " FROM " + t.ident + " INDEXED BY " +
          t.IndexIdent(slot) + " WHERE " + gpk + "=" + q.Param(req.pk);
  std::string resume;
  if (rq.start) {
    std::string at = rq.start->index_sk.value_or("");
    // Use whichever bound is tighter, so SQLite seeks on it.
    bool use_token = true;
    if (req.forward && range.lo) {
      if (at > *range.lo || (at == *range.lo && range.lo_inclusive)) {
        range.lo.reset();
      } else if (at < *range.lo) {
        use_token = false;
      }
    } else if (!req.forward && range.hi) {
      if (at < *range.hi || (at == *range.hi && range.hi_inclusive)) {
        range.hi.reset();
      } else if (at > *range.hi) {
        use_token = false;
      }
    }
    if (use_token) {
      resume = " AND (" + gsk + ",pk,sk)" + (req.forward ? ">" : "<") + "(" + q.Param(at) + "," +
               q.Param(rq.start->key.pk) + "," + q.Param(rq.start->key.sk.value_or("")) + ")";
    }
  }
  AddRange(q, gsk, range);
  q.sql += resume;
  AddTail(q, now, gsk + dir + ",pk" + dir + ",sk" + dir, req.limit);
  return q;
}

Result<Item> ParseItem(std::string_view text, const std::string& table) {
  Item item = Item::parse(text, nullptr, false);
  if (item.is_discarded()) return Status::Internal("stored item of " + table + " is not valid JSON");
  return item;
}

// Steps `s` into a page. `index` is the queried index or nullptr.
Result<QueryResult> ReadPage(sqlite::Db& db, sqlite::Stmt& s, const TableSpec& spec, const IndexSpec* index,
                             const std::string& index_name, bool scan, int limit, const Condition& filter) {
  PageBuilder page(limit, filter);
  PageToken last;
  last.scan = scan;
  bool more = false;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    size_t bytes = static_cast<size_t>(s.ColumnBytes(2));
    if (!page.Fits(bytes)) {
      more = true;
      break;
    }
    auto item = ParseItem(s.ColumnText(2), spec.name);
    if (!item.ok()) return item.status();
    page.Take(std::move(*item), bytes);
    last.key.pk.assign(s.ColumnText(0));
    if (spec.sk) last.key.sk = std::string(s.ColumnText(1));
    if (index != nullptr) {
      last.index_pk = std::string(s.ColumnText(3));
      if (index->sk) last.index_sk = std::string(s.ColumnText(4));
    }
  }
  if (!more && rc != SQLITE_DONE) return db.Error(rc, "cannot read " + spec.name);
  QueryResult result;
  result.items = page.TakeItems();
  if (more) {
    last.table = spec.name;
    last.index = index_name;
    result.next_page_token = EncodePageToken(last);
  }
  return result;
}

}  // namespace

Result<Item> SqliteStore::GetItem(const GetRequest& req) {
  auto t = Lookup(req.table);
  if (!t.ok()) return t.status();
  if (auto s = ValidateKey((*t)->spec, req.key); !s.ok()) return s;
  auto lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  auto s = lease->db().Prepare((*t)->get_sql);
  if (!s.ok()) return s.status();
  s->BindText(1, req.key.pk);
  s->BindText(2, req.key.sk.value_or(""));
  s->BindInt(3, clock_->NowSeconds());
  int rc = s->Step();
  if (rc == SQLITE_DONE) return Status::NotFound("no such item in table " + req.table);
  if (rc != SQLITE_ROW) return lease->db().Error(rc, "cannot read " + req.table);
  return ParseItem(s->ColumnText(0), req.table);
}

Result<std::vector<Item>> SqliteStore::BatchGetItem(const std::string& table, const std::vector<Key>& keys) {
  auto t = Lookup(table);
  if (!t.ok()) return t.status();
  for (const auto& k : keys) {
    if (auto s = ValidateKey((*t)->spec, k); !s.ok()) return s;
  }
  auto lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  int64_t now = clock_->NowSeconds();
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<Item> out;
  for (const auto& k : keys) {
    std::string sk = k.sk.value_or("");
    if (!seen.emplace(k.pk, sk).second) continue;
    auto s = lease->db().Prepare((*t)->get_sql);
    if (!s.ok()) return s.status();
    s->BindText(1, k.pk);
    s->BindText(2, sk);
    s->BindInt(3, now);
    int rc = s->Step();
    if (rc == SQLITE_DONE) continue;
    if (rc != SQLITE_ROW) return lease->db().Error(rc, "cannot read " + table);
    auto item = ParseItem(s->ColumnText(0), table);
    if (!item.ok()) return item.status();
    out.push_back(std::move(*item));
  }
  return out;
}

Result<QueryResult> SqliteStore::Query(const QueryRequest& req) {
  queries_.fetch_add(1, std::memory_order_relaxed);
  auto t = Lookup(req.table);
  if (!t.ok()) return t.status();
  auto rq = ResolveQuery((*t)->spec, req);
  if (!rq.ok()) return rq.status();
  SqlQuery q = BuildQuery(**t, req, *rq, clock_->NowSeconds());
  auto lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  auto s = lease->db().Prepare(q.sql);
  if (!s.ok()) return s.status();
  q.Bind(*s);
  return ReadPage(lease->db(), *s, (*t)->spec, rq->index, req.index, /*scan=*/false, req.limit, req.filter);
}

Result<std::vector<std::string>> SqliteStore::ExplainQuery(const QueryRequest& req) {
  auto t = Lookup(req.table);
  if (!t.ok()) return t.status();
  auto rq = ResolveQuery((*t)->spec, req);
  if (!rq.ok()) return rq.status();
  SqlQuery q = BuildQuery(**t, req, *rq, clock_->NowSeconds());
  auto lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  auto s = lease->db().Prepare("EXPLAIN QUERY PLAN " + q.sql);
  if (!s.ok()) return s.status();
  q.Bind(*s);
  std::vector<std::string> plan;
  int rc;
  while ((rc = s->Step()) == SQLITE_ROW) plan.emplace_back(s->ColumnText(3));
  if (rc != SQLITE_DONE) return lease->db().Error(rc, "cannot explain a query");
  return plan;
}

Result<QueryResult> SqliteStore::Scan(const ScanRequest& req) {
  scans_.fetch_add(1, std::memory_order_relaxed);
  auto t = Lookup(req.table);
  if (!t.ok()) return t.status();
  auto start = ResolveScan((*t)->spec, req);
  if (!start.ok()) return start.status();
  SqlQuery q;
  q.sql = "SELECT pk, sk, item FROM " + (*t)->ident + " WHERE (pk,sk)>(";
  q.sql += q.Param(*start ? (*start)->key.pk : std::string()) + ",";
  q.sql += q.Param(*start ? (*start)->key.sk.value_or("") : std::string()) + ")";
  AddTail(q, clock_->NowSeconds(), "pk, sk", req.limit);
  auto lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  auto s = lease->db().Prepare(q.sql);
  if (!s.ok()) return s.status();
  q.Bind(*s);
  return ReadPage(lease->db(), *s, (*t)->spec, nullptr, "", /*scan=*/true, req.limit, req.filter);
}

}  // namespace aw::store
