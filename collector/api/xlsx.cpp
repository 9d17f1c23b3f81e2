#include "collector/api/xlsx.h"

#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <map>

namespace sahab::collector::xlsx {
namespace {

// Element and attribute names without their namespace prefix: writers may use "x:row".
std::string_view local_name(const char* name) {
  const std::string_view n(name);
  const auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// The value of attribute `name` (prefix ignored) in expat's {name, value, ..., nullptr} list.
const char* attribute(const char** attributes, std::string_view name) {
  for (; *attributes; attributes += 2)
    if (local_name(attributes[0]) == name) return attributes[1];
  return nullptr;
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

// What a part's reader does on each XML event (names without prefix). Exceptions thrown here stop
// the parse and are rethrown by read_xml: they never cross expat's C frames.
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, const char** attributes) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view) {}
};

// Text inside <t> elements, leaving out phonetic hints (<rPh>): the value of a shared string
// (<si>) or an inline one (<is>), plain or in rich-text runs (<r><t>).
class StringText {
 public:
  void start(std::string_view name) {
    if (name == "rPh") ++phonetic_;
    if (name == "t") in_t_ = true;
  }
  void end(std::string_view name) {
    if (name == "rPh") --phonetic_;
    if (name == "t") in_t_ = false;
  }
  void text(std::string_view s, std::string& into) const {
    if (in_t_ && phonetic_ == 0) into += s;
  }

 private:
  int phonetic_ = 0;
  bool in_t_ = false;
};

struct ParseContext {
  XmlHandler* handler;
  XML_Parser parser;
  std::exception_ptr error;
};

// Runs one handler event from an expat callback; the first exception stops the parser and is
// kept for the caller of XML_Parse.
template <class Call>
void guarded(void* data, Call&& call) {
  auto* context = static_cast<ParseContext*>(data);
  try {
    call(*context->handler);
  } catch (...) {
    context->error = std::current_exception();
    XML_StopParser(context->parser, XML_FALSE);
  }
}

}  // namespace

const std::string& Row::at(std::size_t column) const {
  static const std::string empty;
  const auto it = std::lower_bound(cells.begin(), cells.end(), column,
                                   [](const auto& cell, std::size_t c) { return cell.first < c; });
  return it != cells.end() && it->first == column ? it->second : empty;
}

bool looks_like_zip(std::string_view body) { return body.starts_with("PK\x03\x04"); }

struct Workbook::State {
  zip_t* zip = nullptr;
  std::vector<std::pair<std::string, std::string>> sheets;  // name, part path
  std::vector<std::string> shared_strings;

  ~State() {
    if (zip) zip_discard(zip);
  }

  // Streams the part `name` through expat into `handler`, a chunk at a time: a sheet is never
  // held whole. False when the zip has no such part.
  bool read_xml(const std::string& name, XmlHandler& handler) const {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat(zip, name.c_str(), 0, &stat) != 0) return false;
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(zip_fopen(zip, name.c_str(), 0),
                                                           zip_fclose);
    if (!file) throw Error("workbook part '" + name + "' cannot be opened: " + zip_strerror(zip));
    std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> parser(XML_ParserCreate("UTF-8"),
                                                                   XML_ParserFree);
    if (!parser) throw std::bad_alloc();
    ParseContext context{&handler, parser.get(), nullptr};
    XML_SetUserData(parser.get(), &context);
    XML_SetElementHandler(
        parser.get(),
        [](void* data, const XML_Char* element, const XML_Char** attributes) {
          guarded(data, [&](XmlHandler& h) { h.start(local_name(element), attributes); });
        },
        [](void* data, const XML_Char* element) {
          guarded(data, [&](XmlHandler& h) { h.end(local_name(element)); });
        });
    XML_SetCharacterDataHandler(parser.get(), [](void* data, const XML_Char* s, int length) {
      guarded(data, [&](XmlHandler& h) { h.text({s, static_cast<std::size_t>(length)}); });
    });
    std::string chunk(1 << 16, '\0');
    std::size_t total = 0;
    for (bool last = false; !last;) {
      const auto n = zip_fread(file.get(), chunk.data(), chunk.size());
      if (n < 0) {
        throw Error("workbook part '" + name +
                    "' is damaged: " + zip_error_strerror(zip_file_get_error(file.get())));
      }
      last = n == 0;
      total += static_cast<std::size_t>(n);
      if (total > kMaxEntryBytes) {
        throw Error("workbook part '" + name + "' is larger than " +
                    std::to_string(kMaxEntryBytes >> 20) + " MiB uncompressed");
      }
      const auto status = XML_Parse(parser.get(), chunk.data(), static_cast<int>(n), last);
      if (context.error) std::rethrow_exception(context.error);
      if (status != XML_STATUS_OK) {
        throw Error("workbook part '" + name +
                    "' is not valid XML: " + XML_ErrorString(XML_GetErrorCode(parser.get())) +
                    " at line " + std::to_string(XML_GetCurrentLineNumber(parser.get())));
      }
    }
    return true;
  }

  void required(const std::string& name, XmlHandler& handler) const {
    if (!read_xml(name, handler))
      throw Error("not an .xlsx workbook: the zip has no '" + name + "'");
  }

  void read_sheet_list() {
    struct SheetList : XmlHandler {
      std::vector<std::pair<std::string, std::string>> sheets;  // name, relationship id
      void start(std::string_view name, const char** attributes) override {
        if (name != "sheet") return;
        const char* sheet = attribute(attributes, "name");
        const char* id = attribute(attributes, "id");  // r:id
        if (sheet && id) sheets.emplace_back(sheet, id);
      }
      void end(std::string_view) override {}
    } book;
    required("xl/workbook.xml", book);
    struct Relationships : XmlHandler {
      std::map<std::string, std::string> targets;  // relationship id -> part
      void start(std::string_view name, const char** attributes) override {
        const char* id = attribute(attributes, "Id");
        const char* target = attribute(attributes, "Target");
        if (name == "Relationship" && id && target) targets[id] = part_path(target);
      }
      void end(std::string_view) override {}
    } rels;
    required("xl/_rels/workbook.xml.rels", rels);
    for (const auto& [name, id] : book.sheets) {
      if (const auto it = rels.targets.find(id); it != rels.targets.end())
        sheets.emplace_back(name, it->second);
    }
  }

  void read_shared_strings() {
    struct SharedStrings : XmlHandler {
      std::vector<std::string>* strings;
      StringText text_of;
      void start(std::string_view name, const char**) override {
        if (name == "si") strings->emplace_back();
        text_of.start(name);
      }
      void end(std::string_view name) override { text_of.end(name); }
      void text(std::string_view s) override {
        if (!strings->empty()) text_of.text(s, strings->back());
      }
    } reader;
    reader.strings = &shared_strings;
    read_xml("xl/sharedStrings.xml", reader);  // a workbook of numbers and inline strings has none
  }
};

namespace {

// Reads <row>s of a sheet into Rows, handing each to `on_row` when it ends.
class SheetReader : public XmlHandler {
 public:
  SheetReader(const std::vector<std::string>& shared, std::string sheet,
              const std::function<void(const Row&)>& on_row)
      : shared_(shared), sheet_(std::move(sheet)), on_row_(on_row) {}

  void start(std::string_view name, const char** attributes) override {
    if (name == "row") {
      const char* r = attribute(attributes, "r");
      row_ = Row{r ? std::strtoull(r, nullptr, 10) : row_.number + 1, {}};
    } else if (name == "c") {
      const char* r = attribute(attributes, "r");
      const char* t = attribute(attributes, "t");
      ref_ = r ? r : "";
      type_ = t ? t : "";
      value_.clear();
      // Without a reference, a cell follows the previous one.
      column_ = r ? column_index(r) : row_.cells.empty() ? 0 : row_.cells.back().first + 1;
    } else if (name == "v") {
      in_v_ = true;
    }
    string_.start(name);
  }

  void end(std::string_view name) override {
    string_.end(name);
    if (name == "v") in_v_ = false;
    if (name == "c") add_cell();
    if (name == "row") on_row_(row_);
  }

  void text(std::string_view s) override {
    if (in_v_) value_ += s;
    if (type_ == "inlineStr") string_.text(s, value_);
  }

 private:
  void add_cell() {
    // Cells are in column order; one that is not, or has a reference Excel would not write, has
    // nothing to place it by.
    if (!column_ || (!row_.cells.empty() && *column_ <= row_.cells.back().first)) return;
    if (type_ == "s") {  // an index into the shared strings
      const bool digits = !value_.empty() && value_.size() <= 9 &&
                          value_.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stoul(value_) >= shared_.size()) {
        throw Error("sheet '" + sheet_ + "' cell " + ref_ + ": no shared string '" +
                    value_.substr(0, 20) + "'");
      }
      value_ = shared_[std::stoul(value_)];
    }
    // Numbers, booleans, formula strings and errors stay as written.
    row_.cells.emplace_back(*column_, std::move(value_));
    value_.clear();
  }

  const std::vector<std::string>& shared_;
  std::string sheet_;
  const std::function<void(const Row&)>& on_row_;
  StringText string_;
  Row row_;
  std::optional<std::size_t> column_;
  std::string ref_, type_, value_;
  bool in_v_ = false;
};

}  // namespace

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

bool Workbook::for_each_row(std::string_view name,
                            const std::function<void(const Row&)>& on_row) const {
  const auto it = std::find_if(state_->sheets.begin(), state_->sheets.end(),
                               [&](const auto& s) { return s.first == name; });
  if (it == state_->sheets.end()) return false;
  SheetReader reader(state_->shared_strings, it->first, on_row);
  state_->required(it->second, reader);
  return true;
}

}  // namespace sahab::collector::xlsx
