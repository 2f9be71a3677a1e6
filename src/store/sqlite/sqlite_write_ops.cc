// SqliteStore: PutItem, DeleteItem, UpdateItem, BatchWriteItem.
//
// The calling thread validates and serialises (that work runs in parallel);
// the writer thread reads the current item when a condition or an update
// needs it, decides and writes, all inside its transaction.

#include <sqlite3.h>

#include "store/item_ops.h"
#include "store/sqlite/sqlite_schema.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_writer.h"

namespace aw::store {

using sqlite::RowValues;
using sqlite::SqlTable;
using sqlite::WriteOp;
using sqlite::WriterContext;

namespace {

// The item at `key` as the writer sees it; nullopt when absent or expired.
Result<std::optional<Item>> ReadLive(WriterContext& ctx, const SqlTable& t, const Key& key) {
  auto s = ctx.db().Prepare(t.select_sql);
  if (!s.ok()) return s.status();
  s->BindText(1, key.pk);
  s->BindText(2, key.sk ? std::string_view(*key.sk) : std::string_view());
  int rc = s->Step();
  if (rc == SQLITE_DONE) return std::optional<Item>();
  if (rc != SQLITE_ROW) return ctx.db().Error(rc, "cannot read an item of " + t.spec.name);
  Item item = Item::parse(s->ColumnText(0), nullptr, false);
  if (item.is_discarded()) return Status::Internal("stored item of " + t.spec.name + " is not valid JSON");
  if (IsExpired(t.spec, item, ctx.NowSeconds())) return std::optional<Item>();
  return std::optional<Item>(std::move(item));
}

// `row` was computed against the table version the caller saw; if a
// CreateTable changed the indexes or TTL since, recompute it.
const SqlTable* Current(WriterContext& ctx, const std::string& table, RowValues& row) {
  const SqlTable* cur = ctx.Table(table);
  if (cur != row.version) {
    Item item = Item::parse(row.text);
    row = sqlite::ComputeRow(*cur, item, std::move(row.text));
  }
  return cur;
}

Status DeleteRow(WriterContext& ctx, const SqlTable& t, const Key& key) {
  auto d = ctx.db().Prepare(t.delete_sql);
  if (!d.ok()) return d.status();
  d->BindText(1, key.pk);
  d->BindText(2, key.sk ? std::string_view(*key.sk) : std::string_view());
  return ctx.db().Run(*d, "cannot delete an item");
}

// The writer-side view of one RunAtomic unit.
class WriterTxn final : public AtomicTxn {
 public:
  explicit WriterTxn(WriterContext& ctx) : ctx_(ctx) {}
  Result<std::optional<Item>> Get(const std::string& table, const Key& key) override {
    const SqlTable* t = ctx_.Table(table);
    if (t == nullptr) return Status::NotFound("no table " + table);
    return ReadLive(ctx_, *t, key);
  }
  Status Put(const std::string& table, const Item& item) override {
    const SqlTable* t = ctx_.Table(table);
    if (t == nullptr) return Status::NotFound("no table " + table);
    auto key = t->spec.KeyOf(item);
    if (!key.ok()) return key.status();
    auto text = SerializeItem(t->spec, item);
    if (!text.ok()) return text.status();
    return sqlite::WriteRow(ctx_.db(), *t, *key, sqlite::ComputeRow(*t, item, std::move(*text)));
  }

 private:
  WriterContext& ctx_;
};

}  // namespace

bool SqliteStore::RunAtomic(AtomicFn fn, std::function<void(Status)> done) {
  auto op = std::make_unique<WriteOp>();
  op->savepoint = true;
  op->run = [fn = std::move(fn)](WriterContext& ctx) -> Result<Item> {
    WriterTxn txn(ctx);
    if (Status s = fn(txn); !s.ok()) return s;
    return Item();
  };
  op->on_done = [done = std::move(done)](Result<Item> r) { done(r.status()); };
  writer_->SubmitAsync(std::move(op));
  return true;
}

Status SqliteStore::PutItem(const PutRequest& req) {
  auto t = Lookup(req.table);
  if (!t.ok()) return t.status();
  const TableSpec& spec = (*t)->spec;
  auto key = spec.KeyOf(req.item);
  if (!key.ok()) return key.status();
  if (auto s = ValidateCondition(req.condition); !s.ok()) return s;
  auto text = SerializeItem(spec, req.item);
  if (!text.ok()) return text.status();
  auto op = std::make_unique<WriteOp>();
  op->durable = !req.defer_sync;
  op->run = [t = *t, key = *key, row = sqlite::ComputeRow(**t, req.item, std::move(*text)),
             cond = req.condition](WriterContext& ctx) mutable -> Result<Item> {
    const SqlTable* cur = Current(ctx, t->spec.name, row);
    if (!cond.empty()) {
      auto old = ReadLive(ctx, *cur, key);
      if (!old.ok()) return old.status();
      if (!Evaluate(cond, old->has_value() ? &**old : nullptr)) return ConditionFalse("PutItem", cur->spec.name);
    }
    if (auto s = sqlite::WriteRow(ctx.db(), *cur, key, row); !s.ok()) return s;
    return Item();
  };
  return Submit(std::move(op)).status();
}

Status SqliteStore::DeleteItem(const DeleteRequest& req) {
  auto t = Lookup(req.table);
  if (!t.ok()) return t.status();
  if (auto s = ValidateKey((*t)->spec, req.key); !s.ok()) return s;
  if (auto s = ValidateCondition(req.condition); !s.ok()) return s;
  auto op = std::make_unique<WriteOp>();
  op->durable = !req.defer_sync;
  op->run = [name = req.table, key = req.key, cond = req.condition](WriterContext& ctx) -> Result<Item> {
    const SqlTable* cur = ctx.Table(name);
    if (!cond.empty()) {
      auto old = ReadLive(ctx, *cur, key);
      if (!old.ok()) return old.status();
      if (!Evaluate(cond, old->has_value() ? &**old : nullptr)) return ConditionFalse("DeleteItem", name);
    }
    if (auto s = DeleteRow(ctx, *cur, key); !s.ok()) return s;
    return Item();
  };
  return Submit(std::move(op)).status();
}

Result<Item> SqliteStore::UpdateItem(const UpdateRequest& req) {
  auto t = Lookup(req.table);
  if (!t.ok()) return t.status();
  if (auto s = ValidateKey((*t)->spec, req.key); !s.ok()) return s;
  if (auto s = ValidateUpdate((*t)->spec, req); !s.ok()) return s;
  auto op = std::make_unique<WriteOp>();
  op->durable = !req.defer_sync;
  op->run = [req](WriterContext& ctx) -> Result<Item> {
    const SqlTable* cur = ctx.Table(req.table);
    auto old = ReadLive(ctx, *cur, req.key);
    if (!old.ok()) return old.status();
    const Item* existing = old->has_value() ? &**old : nullptr;
    if (!Evaluate(req.condition, existing)) return ConditionFalse("UpdateItem", req.table);
    auto item = ApplyUpdate(cur->spec, req.key, existing, req.actions);
    if (!item.ok()) return item.status();
    auto text = SerializeItem(cur->spec, *item);
    if (!text.ok()) return text.status();
    if (auto s = sqlite::WriteRow(ctx.db(), *cur, req.key, sqlite::ComputeRow(*cur, *item, std::move(*text)));
        !s.ok()) {
      return s;
    }
    return item;
  };
  return Submit(std::move(op));
}

Status SqliteStore::BatchWriteItem(const WriteBatch& batch) {
  auto t = Lookup(batch.table);
  if (!t.ok()) return t.status();
  const TableSpec& spec = (*t)->spec;
  // Validate and serialise everything first: a bad request writes nothing.
  std::vector<std::pair<Key, RowValues>> puts;
  puts.reserve(batch.puts.size());
  for (const auto& item : batch.puts) {
    auto key = spec.KeyOf(item);
    if (!key.ok()) return key.status();
    auto text = SerializeItem(spec, item);
    if (!text.ok()) return text.status();
    puts.emplace_back(std::move(*key), sqlite::ComputeRow(**t, item, std::move(*text)));
  }
  for (const auto& k : batch.deletes) {
    if (auto s = ValidateKey(spec, k); !s.ok()) return s;
  }
  if (puts.empty() && batch.deletes.empty()) return Status::OK();
  auto op = std::make_unique<WriteOp>();
  op->durable = !batch.defer_sync;
  op->savepoint = true;
  op->run = [name = batch.table, puts = std::move(puts), deletes = batch.deletes](WriterContext& ctx) mutable
      -> Result<Item> {
    for (auto& [key, row] : puts) {
      const SqlTable* cur = Current(ctx, name, row);
      if (auto s = sqlite::WriteRow(ctx.db(), *cur, key, row); !s.ok()) return s;
    }
    const SqlTable* cur = ctx.Table(name);
    for (const auto& key : deletes) {
      if (auto s = DeleteRow(ctx, *cur, key); !s.ok()) return s;
    }
    return Item();
  };
  return Submit(std::move(op)).status();
}

}  // namespace aw::store
