# The one INTERFACE target that carries language level, warnings and Qt safety defines.
add_library(reporunner_options INTERFACE)
add_library(RepoRunner::Options ALIAS reporunner_options)
target_compile_features(reporunner_options INTERFACE cxx_std_23)
set(CMAKE_CXX_EXTENSIONS OFF)
target_compile_options(reporunner_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wno-missing-field-initializers)
target_compile_definitions(reporunner_options INTERFACE
  QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_CAST_FROM_BYTEARRAY QT_NO_URL_CAST_FROM_STRING
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT QT_NO_KEYWORDS QT_USE_QSTRINGBUILDER QT_STRICT_ITERATORS
  QT_DISABLE_DEPRECATED_BEFORE=0x060400)
if(REPORUNNER_FUZZ)
  target_compile_options(reporunner_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(reporunner_options INTERFACE -fsanitize=address,undefined)
endif()
