#pragma once
// Reading HKEY_LOCAL_MACHINE for the Windows inventory (Windows only): values as UTF-8 or DWORDs,
// subkey names, in the 64-bit or the 32-bit view. Every read is bounded; a missing key or value
// reads as nothing, which the sections report as an empty field.
#include <windows.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sahab::agent::inventory::windows {

// An open key, closed when it goes. `view` is KEY_WOW64_64KEY or KEY_WOW64_32KEY.
class RegistryKey {
 public:
  RegistryKey(HKEY parent, const std::wstring& path, REGSAM view = KEY_WOW64_64KEY);
  ~RegistryKey();
  RegistryKey(const RegistryKey&) = delete;
  RegistryKey& operator=(const RegistryKey&) = delete;

  bool is_open() const { return key_ != nullptr; }
  HKEY handle() const { return key_; }
  // REG_SZ or REG_EXPAND_SZ (unexpanded), at most 32 KiB; "" when absent.
  std::string text(const wchar_t* name) const;
  std::optional<std::uint32_t> dword(const wchar_t* name) const;
  // REG_BINARY, at most kMaxBinaryBytes; empty when absent or larger.
  static constexpr std::size_t kMaxBinaryBytes = 64 * 1024;
  std::vector<unsigned char> binary(const wchar_t* name) const;
  // At most kMaxSubkeys names.
  static constexpr std::size_t kMaxSubkeys = 20'000;
  std::vector<std::wstring> subkeys() const;
  // The names of the key's values (at most kMaxSubkeys).
  std::vector<std::wstring> value_names() const;

 private:
  HKEY key_ = nullptr;
};

std::string utf8(const std::wstring& text);
// UTF-8 to Windows' wide strings (registry paths made of names read elsewhere).
std::wstring wide(const std::string& text);

}  // namespace sahab::agent::inventory::windows
