#pragma once
// Gives back the pages of code and read-only data that starting the agent touched (option and
// configuration parsing, the first inventory, library initialisation) and that running it never
// touches again. They stay in the page cache, shared with other processes; the agent only stops
// counting them as resident, and faults back in, from the page cache, whatever it still runs.
namespace sahab::agent {

// Unmaps, from this process only, the clean pages of its read-only file mappings (program text,
// constants of the executable and its libraries): those whose /proc/self/smaps shows no private
// copy (Anonymous: 0 kB), so nothing written is ever dropped. Returns the KiB given back.
long release_startup_pages();

}  // namespace sahab::agent
