#include "collector/api/xlsx.h"

#include <zip.h>

#include <algorithm>
#include <map>
#include <pugixml.hpp>

namespace sahab::collector::xlsx {
namespace {

// Element and attribute names without their namespace prefix: writers may use "x:row".
std::string_view local_name(const char* name) {
  const std::string_view n(name);
  const auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node child(pugi::xml_node node, std::string_view name) {
  for (auto c : node.children())
    if (local_name(c.name()) == name) return c;
  return {};
}

// The text of a shared or inline string: its <t>, or the <t> of each rich-text run <r>; the
// phonetic hints (<rPh>) are not part of the value.
std::string string_item(pugi::xml_node item) {
  std::string text;
  for (auto c : item.children()) {
    const auto name = local_name(c.name());
    if (name == "t") text += c.text().get();
    if (name == "r") text += string_item(c);
  }
  return text;
}

// "AB12" -> 27; nullopt when it does not start with 1 to 3 letters (Excel ends at XFD).
std::optional<std::size_t> column_index(std::string_view ref) {
  std::size_t column = 0, letters = 0;
  while (letters < ref.size() && ref[letters] >= 'A' && ref[letters] <= 'Z') {
    column = column * 26 + static_cast<std::size_t>(ref[letters] - 'A' + 1);
    ++letters;
  }
  if (letters == 0 || letters > 3 || column > 16384) return std::nullopt;
  return column - 1;
}

// A part's path in the zip from a relationship target: relative to xl/, or absolute ("/xl/…").
std::string part_path(std::string_view target) {
  return target.starts_with('/') ? std::string(target.substr(1)) : "xl/" + std::string(target);
}

}  // namespace

bool looks_like_zip(std::string_view body) { return body.starts_with("PK\x03\x04"); }

struct Workbook::State {
  zip_t* zip = nullptr;
  std::vector<std::pair<std::string, std::string>> sheets;  // name, part path
  std::vector<std::string> shared_strings;

  ~State() {
    if (zip) zip_discard(zip);
  }

  // The part's bytes, or nullopt when the zip has no such entry.
  std::optional<std::string> read(const std::string& name) const {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat(zip, name.c_str(), 0, &stat) != 0) return std::nullopt;
    if (!(stat.valid & ZIP_STAT_SIZE) || stat.size > kMaxEntryBytes) {
      throw Error("workbook part '" + name + "' is larger than " +
                  std::to_string(kMaxEntryBytes >> 20) + " MiB uncompressed");
    }
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(zip_fopen(zip, name.c_str(), 0),
                                                           zip_fclose);
    if (!file) throw Error("workbook part '" + name + "' cannot be opened: " + zip_strerror(zip));
    std::string bytes(stat.size, '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
      const auto n = zip_fread(file.get(), bytes.data() + done, bytes.size() - done);
      if (n <= 0) {
        throw Error("workbook part '" + name +
                    "' is damaged: " + zip_error_strerror(zip_file_get_error(file.get())));
      }
      done += static_cast<std::size_t>(n);
    }
    return bytes;
  }

  // Parses a part as XML in place (`bytes` is the document's storage).
  static pugi::xml_node parse(pugi::xml_document& doc, std::string& bytes,
                              const std::string& name) {
    const auto result = doc.load_buffer_inplace(bytes.data(), bytes.size());
    if (!result) {
      throw Error("workbook part '" + name + "' is not valid XML: " + result.description() +
                  " at byte " + std::to_string(result.offset));
    }
    return doc.document_element();
  }

  std::string required(const std::string& name) const {
    auto bytes = read(name);
    if (!bytes) throw Error("not an .xlsx workbook: the zip has no '" + name + "'");
    return std::move(*bytes);
  }

  void read_sheet_list() {
    auto book = required("xl/workbook.xml");
    pugi::xml_document book_doc;
    const auto book_root = parse(book_doc, book, "xl/workbook.xml");
    std::map<std::string, std::string> targets;  // relationship id -> part
    auto rels = required("xl/_rels/workbook.xml.rels");
    pugi::xml_document rels_doc;
    for (auto r : parse(rels_doc, rels, "xl/_rels/workbook.xml.rels").children())
      targets[r.attribute("Id").value()] = part_path(r.attribute("Target").value());
    for (auto s : child(book_root, "sheets").children()) {
      for (auto a : s.attributes()) {
        const std::string_view name(a.name());
        if (name.ends_with(":id") && targets.count(a.value()))
          sheets.emplace_back(s.attribute("name").value(), targets[a.value()]);
      }
    }
  }

  void read_shared_strings() {
    auto bytes = read("xl/sharedStrings.xml");
    if (!bytes) return;  // a workbook of numbers and inline strings has none
    pugi::xml_document doc;
    for (auto si : parse(doc, *bytes, "xl/sharedStrings.xml").children())
      if (local_name(si.name()) == "si") shared_strings.push_back(string_item(si));
  }

  std::string cell_text(pugi::xml_node cell, const std::string& sheet) const {
    const std::string_view type = cell.attribute("t").value();
    if (type == "inlineStr") return string_item(child(cell, "is"));
    const std::string value = child(cell, "v").text().get();
    if (type != "s") return value;  // numbers, booleans, formula strings, errors: as written
    const auto index = text_index(value);
    if (!index || *index >= shared_strings.size()) {
      throw Error("sheet '" + sheet + "' cell " + cell.attribute("r").value() +
                  ": no shared string '" + value.substr(0, 20) + "'");
    }
    return shared_strings[*index];
  }

  static std::optional<std::size_t> text_index(const std::string& value) {
    if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != value.npos)
      return std::nullopt;
    return std::stoul(value);
  }
};

Workbook::Workbook(std::string_view body) : state_(std::make_unique<State>()) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(body.data(), body.size(), 0, &error);
  if (source) state_->zip = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!state_->zip) {
    if (source) zip_source_free(source);
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw Error("not a readable .xlsx workbook (zip: " + why + "); was the file cut short?");
  }
  zip_error_fini(&error);
  const auto entries = zip_get_num_entries(state_->zip, 0);
  if (entries < 0 || static_cast<std::size_t>(entries) > kMaxEntries) {
    throw Error("workbook has more than " + std::to_string(kMaxEntries) + " zip entries");
  }
  state_->read_sheet_list();
  state_->read_shared_strings();
}

Workbook::~Workbook() = default;

std::vector<std::string> Workbook::sheet_names() const {
  std::vector<std::string> names;
  for (const auto& [name, part] : state_->sheets) names.push_back(name);
  return names;
}

std::optional<std::vector<Row>> Workbook::sheet(std::string_view name) const {
  const auto it = std::find_if(state_->sheets.begin(), state_->sheets.end(),
                               [&](const auto& s) { return s.first == name; });
  if (it == state_->sheets.end()) return std::nullopt;
  auto bytes = state_->required(it->second);
  pugi::xml_document doc;
  const auto data = child(State::parse(doc, bytes, it->second), "sheetData");
  std::vector<Row> rows;
  for (auto r : data.children()) {
    if (local_name(r.name()) != "row") continue;
    Row row{r.attribute("r").as_ullong(rows.empty() ? 1 : rows.back().number + 1), {}};
    for (auto c : r.children()) {
      if (local_name(c.name()) != "c") continue;
      const auto column = c.attribute("r") ? column_index(c.attribute("r").value())
                                           : std::optional<std::size_t>(row.cells.size());
      if (!column) continue;  // a reference Excel would not write: nothing to place it by
      if (row.cells.size() <= *column) row.cells.resize(*column + 1);
      row.cells[*column] = state_->cell_text(c, it->first);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace sahab::collector::xlsx
