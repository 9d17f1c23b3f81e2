#include "agent/inventory/registry_windows.h"

#include "agent/metrics/windows_families.h"

namespace sahab::agent::inventory::windows {

std::string utf8(const std::wstring& text) {
  static_assert(sizeof(wchar_t) == sizeof(char16_t));
  return agent::windows::utf8_from_utf16(
      std::u16string_view(reinterpret_cast<const char16_t*>(text.data()), text.size()));
}

std::wstring wide(const std::string& text) {
  if (text.empty() || text.size() > 32 * 1024) return {};
  const int size = static_cast<int>(text.size());
  const int length = MultiByteToWideChar(CP_UTF8, 0, text.data(), size, nullptr, 0);
  std::wstring out(static_cast<std::size_t>(length), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), size, out.data(), length);
  return out;
}

RegistryKey::RegistryKey(HKEY parent, const std::wstring& path, REGSAM view) {
  if (RegOpenKeyExW(parent, path.c_str(), 0, KEY_READ | view, &key_) != ERROR_SUCCESS)
    key_ = nullptr;
}

RegistryKey::~RegistryKey() {
  if (key_) RegCloseKey(key_);
}

std::string RegistryKey::text(const wchar_t* name) const {
  if (!key_) return "";
  wchar_t buffer[16 * 1024];
  DWORD bytes = sizeof buffer;
  // RRF_NOEXPAND with REG_EXPAND_SZ allowed: the text as stored, always NUL-terminated.
  if (RegGetValueW(key_, nullptr, name, RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND,
                   nullptr, buffer, &bytes) != ERROR_SUCCESS)
    return "";
  return utf8(std::wstring(buffer));
}

std::optional<std::uint32_t> RegistryKey::dword(const wchar_t* name) const {
  if (!key_) return std::nullopt;
  DWORD value = 0, bytes = sizeof value;
  if (RegGetValueW(key_, nullptr, name, RRF_RT_REG_DWORD, nullptr, &value, &bytes) != ERROR_SUCCESS)
    return std::nullopt;
  return value;
}

std::vector<unsigned char> RegistryKey::binary(const wchar_t* name) const {
  if (!key_) return {};
  std::vector<unsigned char> value(kMaxBinaryBytes);
  DWORD bytes = static_cast<DWORD>(value.size());
  if (RegGetValueW(key_, nullptr, name, RRF_RT_REG_BINARY, nullptr, value.data(), &bytes) !=
      ERROR_SUCCESS)
    return {};
  value.resize(bytes);
  return value;
}

std::vector<std::wstring> RegistryKey::subkeys() const {
  std::vector<std::wstring> names;
  for (DWORD i = 0; key_ && names.size() < kMaxSubkeys; ++i) {
    wchar_t name[256];  // a key name has at most 255 characters
    DWORD length = 256;
    const LONG status = RegEnumKeyExW(key_, i, name, &length, nullptr, nullptr, nullptr, nullptr);
    if (status == ERROR_NO_MORE_ITEMS) break;
    if (status == ERROR_SUCCESS) names.emplace_back(name, length);
  }
  return names;
}

std::vector<std::wstring> RegistryKey::value_names() const {
  std::vector<std::wstring> names;
  for (DWORD i = 0; key_ && names.size() < kMaxSubkeys; ++i) {
    wchar_t name[16384];  // a value name has at most 16383 characters
    DWORD length = 16384;
    const LONG status = RegEnumValueW(key_, i, name, &length, nullptr, nullptr, nullptr, nullptr);
    if (status == ERROR_NO_MORE_ITEMS) break;
    if (status == ERROR_SUCCESS) names.emplace_back(name, length);
  }
  return names;
}

}  // namespace sahab::agent::inventory::windows
