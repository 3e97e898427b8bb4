// Executes the part of a derivation graph a target needs, in parallel, with per-key locks.
#include "runtime/schedule/executor.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "compiler/graph/ops.h"
#include "runtime/exec/cancellation.h"
#include "runtime/schedule/op_context.h"

namespace strata::schedule {
namespace {

using Clock = std::chrono::steady_clock;

ProgressEvent MakeEvent(ProgressEvent::Type type, const graph::Node& node, size_t index,
                        int total) {
  ProgressEvent event;
  event.type = type;
  event.key = node.key().Hex();
  event.op = std::string(graph::OpName(node.op()));
  event.description = Describe(node);
  event.index = static_cast<int>(index + 1);
  event.total = total;
  return event;
}

bool LocalForbidsCache(const graph::Node& node) {
  // A local record names a host path that may have moved; its digest is recomputed by the
  // compiler on every run anyway, so the node is always re-resolved (it costs nothing).
  return node.op() == graph::Op::kLocal;
}

}  // namespace

llvm::Error OpError(const std::string& message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), message);
}

// The nodes one Build visits, in post-order (inputs first).
struct Executor::Plan {
  struct Entry {
    const graph::Node* node = nullptr;
    std::string record_key;            // RecordKeys::Of(node): where its record lives
    std::optional<NodeOutput> output;  // set when cached or done
    std::vector<size_t> inputs;        // indexes of input entries, in input order
    std::vector<size_t> dependents;
    int waiting = 0;  // inputs not done yet
    bool cached = false;
    bool remote = false;  // cached by a fetch from the remote cache
    // Its layers are in a target's image: compressed as they are written when that image
    // leaves the store (ExecutorOptions::compress_target_layers). Every other layer is stored
    // as plain tar and compressed only if an image holding it leaves a build.
    bool final_layers = false;
    // A select of a stage whose every consumer in this build is a copy: it publishes nothing
    // and writes no record; each copy reads the selection itself (stage_selection.h).
    bool left_to_copies = false;
  };
  std::vector<Entry> entries;
  std::unordered_map<const graph::Node*, size_t> index;
};

// A node's output goes to its dependents as soon as its op returns; its record (a temp file,
// its fsync, the rename and the directory's fsync: two waits for the disk) is written on a
// record-writer thread (BuildAll: at most four) beside them, still under the node's key lock, so
// another build waiting for the key reads it whole. A record names only blobs and directories its
// op published and synced before returning, so a record that lands before its inputs' records, or
// without them (a crash, a failed write), is still a complete result.
struct Executor::PendingRecord {
  const graph::Node* node = nullptr;
  std::string key;
  std::string op;
  nlohmann::json record;
  store::KeyLock lock;
  ProgressEvent event;  // the node's, reported again as failed if the write fails
};

Executor::Executor(const store::Store& store, exec::SandboxRunner& runner, ExecutorOptions options,
                   ProgressSink* progress)
    : store_(store),
      runner_(runner),
      options_(std::move(options)),
      progress_(progress),
      record_keys_(options_.layer),
      local_sources_(std::make_unique<LocalSources>(options_.local_hasher)) {
  if (options_.jobs <= 0)
    options_.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

llvm::Expected<NodeOutput> Executor::Build(const graph::Node* target) {
  llvm::Expected<std::vector<NodeOutput>> outputs = BuildAll({target});
  if (!outputs) return outputs.takeError();
  return std::move(outputs->front());
}

llvm::Expected<std::vector<NodeOutput>> Executor::BuildAll(
    const std::vector<const graph::Node*>& targets) {
  Plan plan;
  // Visit from the target; a node with a usable record is a leaf of the plan.
  std::function<llvm::Expected<size_t>(const graph::Node*)> visit =
      [&](const graph::Node* node) -> llvm::Expected<size_t> {
    if (auto it = plan.index.find(node); it != plan.index.end()) return it->second;
    Plan::Entry entry;
    entry.node = node;
    entry.record_key = record_keys_.Of(*node);
    // Takes the node's record as its output when it names only what is in place.
    auto take_record = [&]() -> llvm::Error {
      llvm::Expected<std::optional<nlohmann::json>> record = store_.GetNodeRecord(entry.record_key);
      if (!record) return record.takeError();
      if (*record) {
        llvm::Expected<NodeOutput> output = FromRecord(store_, **record);
        if (output && RecordIsComplete(store_, *output)) {
          entry.output = std::move(*output);
          entry.cached = true;
        } else if (!output) {
          llvm::consumeError(output.takeError());  // rebuilt below and replaced
        }
      }
      return llvm::Error::success();
    };
    if (!options_.no_cache && !LocalForbidsCache(*node)) {
      if (llvm::Error err = take_record()) return err;
      // Not here: the remote cache may have it (it writes the record when it does).
      if (!entry.cached && options_.remote_cache && graph::IsStage(node) &&
          options_.remote_cache->Fetch(*node, entry.record_key)) {
        if (llvm::Error err = take_record()) return err;
        entry.remote = entry.cached;
      }
    }
    if (!entry.cached) {
      for (const graph::Node* input : node->inputs()) {
        llvm::Expected<size_t> input_index = visit(input);
        if (!input_index) return input_index.takeError();
        entry.inputs.push_back(*input_index);
      }
    }
    size_t index = plan.entries.size();
    plan.entries.push_back(std::move(entry));
    plan.index[node] = index;
    return index;
  };
  std::vector<size_t> roots;
  for (const graph::Node* target : targets) {
    llvm::Expected<size_t> root = visit(target);
    if (!root) return root.takeError();
    roots.push_back(*root);
  }
  // The layers a target's image holds: the target's, and those of the stages it stands on
  // (a stage input; a minimal's input is only read). A select's stage is not followed.
  std::vector<size_t> chain(roots);
  while (!chain.empty()) {
    Plan::Entry& entry = plan.entries[chain.back()];
    chain.pop_back();
    if (entry.final_layers) continue;
    entry.final_layers = true;
    if (entry.node->op() == graph::Op::kMinimal) continue;
    for (size_t input : entry.inputs)
      if (graph::IsStage(plan.entries[input].node)) chain.push_back(input);
  }

  // Selects of a stage that only copies consume are left to them: a copy can then list the
  // files from the stage's layer tar, with no artifact extracted, copied and synced first.
  {
    std::vector<int> consumers(plan.entries.size()), copies(plan.entries.size());
    for (const Plan::Entry& entry : plan.entries)
      for (size_t k = 0; k < entry.inputs.size(); ++k) {
        ++consumers[entry.inputs[k]];
        if (entry.node->op() == graph::Op::kCopy && k == 1) ++copies[entry.inputs[k]];
      }
    for (size_t root : roots) ++consumers[root];  // a target's own output is published
    for (size_t i = 0; i < plan.entries.size(); ++i) {
      Plan::Entry& entry = plan.entries[i];
      entry.left_to_copies = !entry.cached && entry.node->op() == graph::Op::kSelect &&
                             entry.inputs.size() == 1 &&
                             graph::IsStage(plan.entries[entry.inputs[0]].node) &&
                             consumers[i] > 0 && consumers[i] == copies[i];
    }
  }

  // The targets' outputs, once every one is done.
  auto root_outputs = [&]() -> llvm::Expected<std::vector<NodeOutput>> {
    std::vector<NodeOutput> outputs;
    for (size_t root : roots) {
      if (!plan.entries[root].output)
        return OpError("internal error: the build stopped before its target");
      outputs.push_back(*plan.entries[root].output);
    }
    return outputs;
  };

  // A required secret that was not given fails the build before any node runs.
  for (const Plan::Entry& entry : plan.entries) {
    if (entry.cached || entry.node->op() != graph::Op::kExec) continue;
    llvm::Expected<graph::ExecParams> params = graph::DecodeExec(*entry.node);
    if (!params) return params.takeError();
    for (const graph::SecretMount& secret : params->secrets) {
      const std::string& id = secret.id;
      if (secret.required && !options_.secrets.count(id))
        return OpError("secret '" + id + "' is required by exec node " + entry.node->key().Hex() +
                       " (" + Describe(*entry.node) + "): pass --secret id=" + id + ",src=FILE");
    }
  }

  const int total = static_cast<int>(plan.entries.size());
  std::deque<size_t> ready;
  for (size_t i = 0; i < plan.entries.size(); ++i) {
    Plan::Entry& entry = plan.entries[i];
    if (entry.cached) {
      ++stats_.cached;
      if (entry.remote) ++stats_.fetched;
      if (progress_) {
        ProgressEvent event = MakeEvent(ProgressEvent::Type::kCached, *entry.node, i, total);
        event.remote = entry.remote;
        progress_->Report(event);
      }
      continue;
    }
    for (size_t input : entry.inputs) {
      if (plan.entries[input].output) continue;
      ++entry.waiting;
      plan.entries[input].dependents.push_back(i);
    }
    if (entry.waiting == 0) ready.push_back(i);
  }
  if (ready.empty()) {  // every target cached
    if (progress_) progress_->Finish();
    return root_outputs();
  }

  std::mutex mu;
  std::condition_variable changed;
  int running = 0;
  std::optional<llvm::Error> failure;
  // Records wait here for one of at most kRecordWriters threads (started as records come), so a
  // plan of 10,000 nodes does not start a thread per node.
  constexpr size_t kRecordWriters = 4;
  std::deque<PendingRecord> records;        // under mu
  bool workers_done = false;                // under mu
  std::vector<std::thread> record_writers;  // under mu; joined after the workers
  std::condition_variable record_ready;
  auto record_writer = [&] {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      record_ready.wait(lock, [&] { return !records.empty() || workers_done; });
      if (records.empty()) return;  // the workers are done and every record is written
      PendingRecord pending = std::move(records.front());
      records.pop_front();
      lock.unlock();
      llvm::Error err = WriteRecord(pending);
      lock.lock();
      if (!err) continue;
      if (!failure)
        failure.emplace(std::move(err));
      else
        llvm::consumeError(std::move(err));
      changed.notify_all();
    }
  };
  auto worker = [&] {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      changed.wait(lock, [&] { return !ready.empty() || running == 0 || failure; });
      if (!failure && exec::Cancelled())
        failure.emplace(llvm::createStringError(std::make_error_code(std::errc::operation_canceled),
                                                "the build was cancelled"));
      if (failure || ready.empty()) return;  // failed, or nothing left to do
      size_t index = ready.front();
      ready.pop_front();
      ++running;
      lock.unlock();
      std::optional<PendingRecord> pending;
      llvm::Expected<NodeOutput> output = Execute(plan, index, pending);
      lock.lock();
      --running;
      if (!output) {
        if (!failure)
          failure.emplace(output.takeError());
        else
          llvm::consumeError(output.takeError());
      } else {
        plan.entries[index].output = std::move(*output);
        for (size_t dependent : plan.entries[index].dependents)
          if (--plan.entries[dependent].waiting == 0) ready.push_back(dependent);
        if (pending) {
          records.push_back(std::move(*pending));
          if (record_writers.size() < kRecordWriters) record_writers.emplace_back(record_writer);
          record_ready.notify_one();
        }
      }
      changed.notify_all();
    }
  };
  std::vector<std::thread> threads;
  int workers = std::min<int>(options_.jobs, total);
  for (int i = 0; i < workers; ++i) threads.emplace_back(worker);
  for (std::thread& thread : threads) thread.join();
  {
    std::lock_guard<std::mutex> lock(mu);
    workers_done = true;
  }
  record_ready.notify_all();
  for (std::thread& thread : record_writers) thread.join();
  if (progress_) progress_->Finish();
  if (failure) return std::move(*failure);
  return root_outputs();
}

llvm::Expected<NodeOutput> Executor::Execute(Plan& plan, size_t index,
                                             std::optional<PendingRecord>& pending) {
  const graph::Node& node = *plan.entries[index].node;
  const std::string key = plan.entries[index].record_key;
  const std::string op(graph::OpName(node.op()));
  const int total = static_cast<int>(plan.entries.size());
  ProgressEvent event = MakeEvent(ProgressEvent::Type::kStart, node, index, total);

  if (plan.entries[index].left_to_copies) {
    // Nothing to publish, lock or record: the copies that consume it do the work.
    const NodeOutput& stage = *plan.entries[plan.entries[index].inputs[0]].output;
    llvm::Expected<graph::SelectParams> params = graph::DecodeSelect(node);
    if (!params) return params.takeError();
    if (progress_) progress_->Report(event);
    NodeOutput output = NodeOutput::Artifact("");
    output.selection = StageSelection{stage.image, params->path};
    ++stats_.executed;
    event.type = ProgressEvent::Type::kDone;
    event.seconds = 0;
    if (progress_) progress_->Report(event);
    return output;
  }

  // One producer per key across processes: another build may have made it while we waited.
  bool started = false;
  llvm::Expected<std::optional<store::KeyLock>> try_lock = store_.TryLockKey(key);
  if (!try_lock) return try_lock.takeError();
  std::optional<store::KeyLock> key_lock = std::move(*try_lock);
  if (!key_lock) {
    // Say what we wait for: another strata process is building this very node.
    started = true;
    if (progress_) {
      progress_->Report(event);
      ProgressEvent wait = event;
      wait.type = ProgressEvent::Type::kLog;
      wait.message =
          "waiting for another strata build on this store, which is building this node (" +
          event.description + ")";
      progress_->Report(wait);
    }
    llvm::Expected<store::KeyLock> lock = store_.LockKey(key);
    if (!lock) return lock.takeError();
    key_lock.emplace(std::move(*lock));
  }
  if (!options_.no_cache && !LocalForbidsCache(node)) {
    llvm::Expected<std::optional<nlohmann::json>> record = store_.GetNodeRecord(key);
    if (!record) return record.takeError();
    if (*record) {
      llvm::Expected<NodeOutput> output = FromRecord(store_, **record);
      if (output && RecordIsComplete(store_, *output)) {
        ++stats_.cached;
        event.type = ProgressEvent::Type::kCached;
        if (progress_) progress_->Report(event);
        return output;
      }
      if (!output) llvm::consumeError(output.takeError());
    }
  }

  if (progress_ && !started) progress_->Report(event);
  auto start = Clock::now();
  OpContext context{store_, runner_,           options_, node, {},
                    key,    event.description, {},       -1,   local_sources_.get(),
                    {}};
  context.layer = options_.layer;
  context.layer.defer = !(plan.entries[index].final_layers && options_.compress_target_layers);
  std::vector<std::string> input_keys;
  for (size_t input : plan.entries[index].inputs) {
    context.inputs.push_back(&*plan.entries[input].output);
    // A select left to copies has no record: gc reaches its stage through this one.
    if (plan.entries[input].left_to_copies) {
      for (size_t stage : plan.entries[input].inputs)
        input_keys.push_back(plan.entries[stage].record_key);
    } else {
      input_keys.push_back(plan.entries[input].record_key);
    }
  }
  context.log = [&](llvm::StringRef line) {
    if (!progress_) return;
    ProgressEvent log = event;
    log.type = ProgressEvent::Type::kLog;
    log.message = line.str();
    progress_->Report(log);
  };

  llvm::Expected<NodeOutput> output = [&]() -> llvm::Expected<NodeOutput> {
    switch (node.op()) {
      case graph::Op::kScratch:
        return RunScratch(context);
      case graph::Op::kPull:
        return RunPull(context);
      case graph::Op::kLoad:
        return RunLoad(context);
      case graph::Op::kLocal:
        return RunLocal(context);
      case graph::Op::kFetch:
        return RunFetch(context);
      case graph::Op::kExec:
        return RunExec(context);
      case graph::Op::kCopy:
        return RunCopy(context);
      case graph::Op::kConfig:
        return RunConfig(context);
      case graph::Op::kSelect:
        return RunSelect(context);
      case graph::Op::kMinimal:
        return RunMinimal(context);
      case graph::Op::kText:
        return RunText(context);
      case graph::Op::kDebian:
        return RunDebian(context);
    }
    return OpError("unknown op");
  }();
  event.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!output) {
    std::string message = llvm::toString(output.takeError());
    event.type = ProgressEvent::Type::kFailed;
    event.message = message;
    if (progress_) progress_->Report(event);
    NoteFailure(node, message);
    return OpError(op + " node " + node.key().Hex() + " (" + event.description +
                   ") failed: " + message);
  }
  // Records only name published blobs and directories, so they go last (PendingRecord).
  pending.emplace(PendingRecord{&node, key, op, ToRecord(store_, *output, op, input_keys),
                                std::move(*key_lock), event});
  ++stats_.executed;
  event.type = ProgressEvent::Type::kDone;
  event.layer_size = context.layer_size;
  if (progress_) progress_->Report(event);
  return output;
}

llvm::Error Executor::WriteRecord(PendingRecord& pending) {
  llvm::Error err = store_.PutNodeRecord(pending.key, pending.record);
  if (!err) return llvm::Error::success();
  const graph::Node& node = *pending.node;
  std::string message = llvm::toString(std::move(err));
  if (progress_) {
    pending.event.type = ProgressEvent::Type::kFailed;
    pending.event.message = message;
    progress_->Report(pending.event);
  }
  NoteFailure(node, message);
  return OpError(pending.op + " node " + node.key().Hex() + " (" + Describe(node) +
                 ") failed: " + message);
}

void Executor::NoteFailure(const graph::Node& node, const std::string& message) {
  std::lock_guard<std::mutex> lock(failed_mutex_);
  if (!failed_node_) {
    failed_node_ = &node;
    failed_message_ = message;
  }
}

}  // namespace strata::schedule
