#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace sahab::log {
namespace {
std::atomic<Level> g_level{Level::kInfo};
std::mutex g_mutex;
std::FILE* g_output = nullptr;  // stderr unless set_output() named another stream
void (*g_error_sink)(std::string_view) = nullptr;

const char* level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "?";
}
}  // namespace

std::string quoted(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 2);
  out += '"';
  for (const char c : message) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

void set_level(Level level) { g_level = level; }

bool set_level(std::string_view name) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (name == level_name(l)) {
      set_level(l);
      return true;
    }
  }
  return false;
}

void write(Level level, std::string_view message) {
  if (level < g_level.load()) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  const std::string msg = quoted(message);
  std::lock_guard lock(g_mutex);
  std::fprintf(g_output ? g_output : stderr, "ts=%s level=%s msg=%s\n", stamp, level_name(level),
               msg.c_str());
  if (level == Level::kError && g_error_sink) g_error_sink(message);
}

void set_output(std::FILE* stream) {
  std::lock_guard lock(g_mutex);
  g_output = stream;
}

void set_error_sink(void (*sink)(std::string_view)) {
  std::lock_guard lock(g_mutex);
  g_error_sink = sink;
}

}  // namespace sahab::log
