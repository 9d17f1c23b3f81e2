// Fuzzes the push client's reading of an answer (status line, headers, Content-Length, chunked or
// until-close bodies): any bytes, delivered in pieces whose size the first byte chooses.
// TransportError is the expected refusal; any other exception, a crash, a sanitizer report or a
// body or header count over the limits is a finding.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "agent/push/http_wire.h"

namespace {

class Bytes final : public sahab::agent::net::Stream {
 public:
  Bytes(std::string_view data, std::size_t piece) : data_(data), piece_(piece) {}
  std::size_t read_some(char* buffer, std::size_t size, sahab::agent::net::Deadline,
                        std::string_view) override {
    const std::size_t n = std::min({size, piece_, data_.size()});
    std::memcpy(buffer, data_.data(), n);
    data_.remove_prefix(n);
    return n;
  }
  void write_all(std::string_view, sahab::agent::net::Deadline) override {}
  bool reusable() const override { return true; }

 private:
  std::string_view data_;
  std::size_t piece_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wire = sahab::agent::http_wire;
  if (size == 0) return 0;
  Bytes stream(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), 1 + data[0]);
  const wire::Limits limits{2048, 20, 4096};
  wire::Reader reader(stream, sahab::agent::net::Deadline::max(), "fuzz", limits);
  try {
    const wire::Head head = reader.read_head();
    bool reusable = false;
    const std::string body = reader.read_body(head, reusable);
    if (head.status < 200 || head.status > 999 || head.headers.size() > limits.max_headers ||
        body.size() > limits.max_body_bytes) {
      __builtin_trap();
    }
  } catch (const sahab::agent::net::TransportError&) {
  }
  return 0;
}
