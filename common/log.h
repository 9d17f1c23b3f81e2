#pragma once
// Minimal leveled logging to stderr, one line per message, safe across threads.
#include <cstdio>
#include <string>
#include <string_view>

namespace sahab::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void set_level(Level level);
// Accepts debug|info|warn|error; returns false for anything else.
bool set_level(std::string_view name);
void write(Level level, std::string_view message);
// Where lines go from now on (stderr by default). A Windows service has no console and its CRT
// stderr cannot be reopened, so sahab-agent.exe logs to a file it names here.
void set_output(std::FILE* stream);
// Where error lines also go (sahab-agent.exe as a service: the Application event log, where
// administrators look first); called under the log's lock, so it must not log.
void set_error_sink(void (*sink)(std::string_view message));
// A logfmt quoted value: a message from outside (a host id, a path, a reason) cannot end the
// quoted value early, forge another key or start a new line.
std::string quoted(std::string_view message);

inline void debug(std::string_view m) { write(Level::kDebug, m); }
inline void info(std::string_view m) { write(Level::kInfo, m); }
inline void warn(std::string_view m) { write(Level::kWarn, m); }
inline void error(std::string_view m) { write(Level::kError, m); }

}  // namespace sahab::log
