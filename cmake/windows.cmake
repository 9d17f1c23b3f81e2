# The Windows build (included by the top CMakeLists.txt when cross-compiling with
# cmake/mingw-w64.cmake): the libraries cross-built by scripts/build-windows.sh and the parts of
# common/ the Windows agent links, then agent/ (which selects agent/windows/).
# RC: the agent's message table (agent/windows/messages.mc).
enable_language(RC)
find_package(Threads REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(civetweb CONFIG REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(yaml-cpp REQUIRED)
# Boost's own CMake build installs one package per library, no BoostConfig.cmake.
find_package(boost_program_options 1.81 CONFIG REQUIRED)
# mbedTLS 2.28 installs no CMake package: its three archives, in link order.
find_path(MBEDTLS_INCLUDE_DIR mbedtls/ssl.h REQUIRED)
foreach(part mbedtls mbedx509 mbedcrypto)
  find_library(SAHAB_${part} ${part} REQUIRED)
endforeach()
add_library(sahab_mbedtls INTERFACE)
target_include_directories(sahab_mbedtls SYSTEM INTERFACE ${MBEDTLS_INCLUDE_DIR})
# bcrypt: mbedTLS's entropy source on Windows.
target_link_libraries(sahab_mbedtls INTERFACE ${SAHAB_mbedtls} ${SAHAB_mbedx509} ${SAHAB_mbedcrypto}
                                              bcrypt)

# Windows Server 2012 R2 (NT 6.3) is the oldest target: its APIs and no newer ones.
add_compile_definitions(_WIN32_WINNT=0x0603 WINVER=0x0603 WIN32_LEAN_AND_MEAN NOMINMAX)
# Each function and object in a section of its own, so the exe's link drops those it does not use
# (--gc-sections, agent/windows/CMakeLists.txt).
add_compile_options(-ffunction-sections -fdata-sections)
# mingw-w64's time.h declares gmtime_r and localtime_r (common/log.cpp) only with this.
add_compile_definitions(_POSIX_THREAD_SAFE_FUNCTIONS)

configure_file(common/version.h.in ${CMAKE_BINARY_DIR}/generated/sahab/version.h @ONLY)

# common/ minus what the Windows agent does not use, with the Windows
# sides of its files and randomness.
add_library(sahab_common STATIC
  common/log.cpp
  common/text.cpp
  common/listen_address.cpp
  common/gzip.cpp
  common/bounded_json.cpp
  common/file.cpp
  common/file_windows.cpp
  common/duration.cpp
  common/settings.cpp
  common/timestamp.cpp
  common/crypto.cpp
  common/random_windows.cpp
  common/sketch.cpp
  common/byte_codec.cpp
)
target_include_directories(sahab_common PUBLIC ${PROJECT_SOURCE_DIR}
                                               ${CMAKE_BINARY_DIR}/generated)
target_link_libraries(sahab_common PUBLIC Threads::Threads nlohmann_json::nlohmann_json
                                          ZLIB::ZLIB yaml-cpp Boost::program_options sahab_mbedtls
                                          bcrypt advapi32 PRIVATE sahab_warnings)

add_library(sahab_protocol STATIC common/protocol/report.cpp common/protocol/inventory.cpp)
target_link_libraries(sahab_protocol PUBLIC sahab_common PRIVATE sahab_warnings)

add_library(sahab_http STATIC common/http_server.cpp common/prometheus_text.cpp)
target_link_libraries(sahab_http PUBLIC sahab_common civetweb::civetweb prometheus-cpp::core
                                 PRIVATE sahab_warnings)

add_subdirectory(agent)

# A test tool of tests/windows/inventory_wine.sh: the raw TCP table, as the fixture records it.
add_executable(sahab-inventory-probe tests/windows/inventory_probe.cpp)
target_link_libraries(sahab-inventory-probe PRIVATE iphlpapi sahab_warnings)

# A test tool of tests/windows/agent_wine.sh: the access lists Wine stored, in SDDL.
add_executable(sahab-dacl-probe tests/windows/dacl_probe.cpp)
target_link_options(sahab-dacl-probe PRIVATE -municode)
target_link_libraries(sahab-dacl-probe PRIVATE advapi32 sahab_warnings)

