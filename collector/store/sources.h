#pragma once
// Discovery sources (a vCenter or a standalone ESXi): how to reach them, their last run's state,
// and the hosts each run saw. The password is stored sealed (collector/sources/secret_box.h) and
// is never read back by anything but the run itself.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

struct SourceConfig {
  std::string kind = "vcenter";
  std::string name, url, username;
  std::string password_sealed;
  std::string ca_file;
  bool insecure = false;
};

struct SourceRun {
  std::string state = "idle";  // idle, running, ok, failed
  std::optional<std::int64_t> started_at, finished_at, vms, hosts, last_success_at, next_run_at;
  std::vector<std::string> errors;
};

struct Source {
  std::int64_t id = 0;
  SourceConfig config;
  std::string created_by;
  std::int64_t created_at = 0, updated_at = 0;
  std::int64_t runs = 0;
  SourceRun run;
};

// nullopt when another source has the name.
std::optional<std::int64_t> create_source(Database& db, const SourceConfig& config,
                                          const std::string& actor, std::int64_t now,
                                          std::int64_t next_run_at);
std::vector<Source> list_sources(Database& db);
std::optional<Source> find_source(Database& db, std::int64_t id);
enum class SourceWrite { kDone, kNotFound, kNameTaken };
SourceWrite update_source(Database& db, std::int64_t id, const SourceConfig& config,
                          const std::string& actor, std::int64_t now);
// The hosts it wrote stay in the fleet (as imported hosts); only the source goes. Audited.
bool delete_source(Database& db, std::int64_t id, const std::string& actor, std::int64_t now);

// A run starts: state 'running', started_at, the run's number (the mark of the hosts it sees).
std::int64_t start_source_run(Database& db, std::int64_t id, std::int64_t now);
// A run ends (state 'ok' or 'failed'); `vms`/`hosts` nullopt when it read nothing.
void finish_source_run(Database& db, std::int64_t id, const SourceRun& result);
// A run left 'running' by a collector that stopped mid-run is 'failed' (source_runner.cpp calls
// it at start for the runs no other collector holds).
void fail_interrupted_run(Database& db, std::int64_t id, std::int64_t now);

// What a run's sighting changed: the hosts an earlier run saw and this one did not, now marked
// gone (their "vmware.gone" label, gone_at), and how many gone ones came back (mark removed).
struct SourceSighting {
  std::vector<std::string> gone;
  std::size_t back = 0;
};
// Records that run `run` of source `id` saw `host_ids`.
SourceSighting record_source_hosts(Database& db, std::int64_t id, std::int64_t run,
                                   const std::vector<std::string>& host_ids, std::int64_t now);

// Of `host_ids`, the imported hosts (an agent's host is measured by its agent) with the end of
// the newest utilisation summary stored for each (nullopt: none yet): where a source's next
// performance query starts.
std::map<std::string, std::optional<std::int64_t>> measured_until_of_imported(
    Database& db, const std::vector<std::string>& host_ids);

}  // namespace sahab::collector
