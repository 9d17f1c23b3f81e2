#include "collector/api/import_zip.h"

#include <zip.h>

namespace sahab::collector::import {

bool looks_like_zip(std::string_view body) { return body.starts_with("PK\x03\x04"); }

struct Zip::State {
  zip_t* zip = nullptr;
  std::string kind;

  ~State() {
    if (zip) zip_discard(zip);
  }
};

Zip::Zip(std::string_view body, std::string kind) : state_(std::make_unique<State>()) {
  state_->kind = std::move(kind);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(body.data(), body.size(), 0, &error);
  if (source) state_->zip = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!state_->zip) {
    if (source) zip_source_free(source);
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw ZipError("not a readable " + state_->kind + " (zip: " + why +
                   "); was the file cut short?");
  }
  zip_error_fini(&error);
  const auto entries = zip_get_num_entries(state_->zip, 0);
  if (entries < 0 || static_cast<std::size_t>(entries) > kMaxZipEntries) {
    throw ZipError(state_->kind + " has more than " + std::to_string(kMaxZipEntries) +
                   " zip entries");
  }
}

Zip::~Zip() = default;

std::vector<std::string> Zip::names() const {
  std::vector<std::string> out;
  const auto entries = zip_get_num_entries(state_->zip, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    if (const char* name = zip_get_name(state_->zip, static_cast<zip_uint64_t>(i), 0))
      out.emplace_back(name);
  }
  return out;
}

bool Zip::stream(const std::string& name,
                 const std::function<void(std::string_view, bool)>& on_chunk) const {
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(state_->zip, name.c_str(), 0, &stat) != 0) return false;
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(zip_fopen(state_->zip, name.c_str(), 0),
                                                         zip_fclose);
  const std::string part = state_->kind + " part '" + name + "'";
  if (!file) throw ZipError(part + " cannot be opened: " + zip_strerror(state_->zip));
  std::string chunk(1 << 16, '\0');
  std::size_t total = 0;
  for (bool last = false; !last;) {
    const auto n = zip_fread(file.get(), chunk.data(), chunk.size());
    if (n < 0) {
      throw ZipError(part + " is damaged: " + zip_error_strerror(zip_file_get_error(file.get())));
    }
    last = n == 0;
    total += static_cast<std::size_t>(n);
    if (total > kMaxZipEntryBytes) {
      throw ZipError(part + " is larger than " + std::to_string(kMaxZipEntryBytes >> 20) +
                     " MiB uncompressed");
    }
    on_chunk({chunk.data(), static_cast<std::size_t>(n)}, last);
  }
  return true;
}

std::string Zip::read(const std::string& name, std::size_t max_bytes) const {
  std::string out;
  stream(name, [&](std::string_view chunk, bool) {
    if (out.size() + chunk.size() > max_bytes) {
      throw ZipError(state_->kind + " part '" + name + "' is larger than " +
                     std::to_string(max_bytes >> 20) + " MiB uncompressed");
    }
    out += chunk;
  });
  return out;
}

}  // namespace sahab::collector::import
