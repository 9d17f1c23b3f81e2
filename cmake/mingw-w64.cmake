# Cross-compiling for 64-bit Windows with Debian's mingw-w64 (g++-mingw-w64-x86-64-posix: the
# posix thread model, so std::thread and std::mutex work). Used by scripts/build-windows.sh.
# SAHAB_WINDOWS_DEPS_PREFIX: where the script installed the cross-built dependencies.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(SAHAB_MINGW x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${SAHAB_MINGW}-gcc-posix)
set(CMAKE_CXX_COMPILER ${SAHAB_MINGW}-g++-posix)
set(CMAKE_RC_COMPILER ${SAHAB_MINGW}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${SAHAB_MINGW} ${SAHAB_WINDOWS_DEPS_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# One self-contained .exe: no libstdc++/libgcc/winpthread DLLs to ship beside it.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
# ctest runs the Windows test executables under Wine when it is installed.
find_program(SAHAB_WINE wine)
if(SAHAB_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SAHAB_WINE})
endif()

# civetweb's FindWinSock searches the Windows SDK's paths and fails when cross-compiling; mingw's
# own import library is the one to link (civetweb's build and every find_package(civetweb)).
set(WINSOCK_LIBRARIES /usr/${SAHAB_MINGW}/lib/libws2_32.a CACHE FILEPATH "Winsock 2 (mingw-w64)")
set(WINSOCK_INCLUDE_DIRS /usr/${SAHAB_MINGW}/include CACHE PATH "Winsock 2 headers (mingw-w64)")
