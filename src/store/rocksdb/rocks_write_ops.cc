// RocksStore: PutItem, DeleteItem, UpdateItem, BatchWriteItem, RunAtomic.
//
// The calling thread validates and serialises (in parallel with other
// callers); the writer thread reads the current item when a condition, an
// update or the GSI entries need it, decides, and adds the writes to its
// group's batch.

#include "store/item_ops.h"
#include "store/rocksdb/rocks_store.h"
#include "store/rocksdb/rocks_writer.h"

namespace aw::store {

using rocks::RTable;
using rocks::WriteOp;
using rocks::WriterContext;

namespace {

Result<const RTable*> Current(WriterContext& ctx, const std::string& table) {
  const RTable* t = ctx.Table(table);
  if (t == nullptr) return UnknownTable(table);
  return t;
}

// The writer-side view of one RunAtomic unit: reads go through the group's
// batch, so they see the unit's own writes.
class WriterTxn final : public AtomicTxn {
 public:
  explicit WriterTxn(WriterContext& ctx) : ctx_(ctx) {}
  Result<std::optional<Item>> Get(const std::string& table, const Key& key) override {
    auto t = Current(ctx_, table);
    if (!t.ok()) return t.status();
    if (auto s = ValidateKey((*t)->spec, key); !s.ok()) return s;
    return ctx_.ReadLive(**t, key);
  }
  Status Put(const std::string& table, const Item& item) override {
    auto t = Current(ctx_, table);
    if (!t.ok()) return t.status();
    auto key = (*t)->spec.KeyOf(item);
    if (!key.ok()) return key.status();
    auto text = SerializeItem((*t)->spec, item);
    if (!text.ok()) return text.status();
    return ctx_.WriteItem(**t, *key, item, *text);
  }

 private:
  WriterContext& ctx_;
};

}  // namespace

bool RocksStore::RunAtomic(AtomicFn fn, std::function<void(Status)> done) {
  auto op = std::make_unique<WriteOp>();
  op->run = [fn = std::move(fn)](WriterContext& ctx) -> Result<Item> {
    WriterTxn txn(ctx);
    if (Status s = fn(txn); !s.ok()) return s;  // the writer rolls the unit's writes back
    return Item();
  };
  op->on_done = [done = std::move(done)](Result<Item> r) { done(r.status()); };
  writer_->SubmitAsync(std::move(op));
  return true;
}

Status RocksStore::PutItem(const PutRequest& req) {
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
  op->run = [name = req.table, key = std::move(*key), &item = req.item, text = std::move(*text),
             cond = req.condition](WriterContext& ctx) -> Result<Item> {
    auto cur = Current(ctx, name);
    if (!cur.ok()) return cur.status();
    if (!cond.empty()) {
      auto old = ctx.ReadLive(**cur, key);
      if (!old.ok()) return old.status();
      if (!Evaluate(cond, old->has_value() ? &**old : nullptr)) return ConditionFalse("PutItem", name);
    }
    if (auto s = ctx.WriteItem(**cur, key, item, text); !s.ok()) return s;
    return Item();
  };
  return Submit(std::move(op)).status();
}

Status RocksStore::DeleteItem(const DeleteRequest& req) {
  auto t = Lookup(req.table);
  if (!t.ok()) return t.status();
  if (auto s = ValidateKey((*t)->spec, req.key); !s.ok()) return s;
  if (auto s = ValidateCondition(req.condition); !s.ok()) return s;
  auto op = std::make_unique<WriteOp>();
  op->durable = !req.defer_sync;
  op->run = [name = req.table, key = req.key, cond = req.condition](WriterContext& ctx) -> Result<Item> {
    auto cur = Current(ctx, name);
    if (!cur.ok()) return cur.status();
    if (!cond.empty()) {
      auto old = ctx.ReadLive(**cur, key);
      if (!old.ok()) return old.status();
      if (!Evaluate(cond, old->has_value() ? &**old : nullptr)) return ConditionFalse("DeleteItem", name);
    }
    if (auto s = ctx.DeleteItem(**cur, key); !s.ok()) return s;
    return Item();
  };
  return Submit(std::move(op)).status();
}

Result<Item> RocksStore::UpdateItem(const UpdateRequest& req) {
  auto t = Lookup(req.table);
  if (!t.ok()) return t.status();
  if (auto s = ValidateKey((*t)->spec, req.key); !s.ok()) return s;
  if (auto s = ValidateUpdate((*t)->spec, req); !s.ok()) return s;
  auto op = std::make_unique<WriteOp>();
  op->durable = !req.defer_sync;
  op->run = [req](WriterContext& ctx) -> Result<Item> {
    auto cur = Current(ctx, req.table);
    if (!cur.ok()) return cur.status();
    auto old = ctx.ReadLive(**cur, req.key);
    if (!old.ok()) return old.status();
    const Item* existing = old->has_value() ? &**old : nullptr;
    if (!Evaluate(req.condition, existing)) return ConditionFalse("UpdateItem", req.table);
    auto item = ApplyUpdate((*cur)->spec, req.key, existing, req.actions);
    if (!item.ok()) return item.status();
    auto text = SerializeItem((*cur)->spec, *item);
    if (!text.ok()) return text.status();
    if (auto s = ctx.WriteItem(**cur, req.key, *item, *text); !s.ok()) return s;
    return item;
  };
  return Submit(std::move(op));
}

Status RocksStore::BatchWriteItem(const WriteBatch& batch) {
  auto t = Lookup(batch.table);
  if (!t.ok()) return t.status();
  const TableSpec& spec = (*t)->spec;
  // Validate and serialise everything first: a bad request writes nothing.
  struct Put {
    Key key;
    const Item* item;
    std::string text;
  };
  std::vector<Put> puts;
  puts.reserve(batch.puts.size());
  for (const auto& item : batch.puts) {
    auto key = spec.KeyOf(item);
    if (!key.ok()) return key.status();
    auto text = SerializeItem(spec, item);
    if (!text.ok()) return text.status();
    puts.push_back({std::move(*key), &item, std::move(*text)});
  }
  for (const auto& k : batch.deletes) {
    if (auto s = ValidateKey(spec, k); !s.ok()) return s;
  }
  if (puts.empty() && batch.deletes.empty()) return Status::OK();
  auto op = std::make_unique<WriteOp>();
  op->durable = !batch.defer_sync;
  // `puts` points into `batch`, which outlives the blocking Submit.
  op->run = [&batch, &puts](WriterContext& ctx) -> Result<Item> {
    auto cur = Current(ctx, batch.table);
    if (!cur.ok()) return cur.status();
    for (const auto& p : puts) {
      if (auto s = ctx.WriteItem(**cur, p.key, *p.item, p.text); !s.ok()) return s;
    }
    for (const auto& key : batch.deletes) {
      if (auto s = ctx.DeleteItem(**cur, key); !s.ok()) return s;
    }
    return Item();
  };
  return Submit(std::move(op)).status();
}

}  // namespace aw::store
