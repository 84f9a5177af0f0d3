# keys.cmake: the BIP39 English wordlist as a C table, generated at build time.
#
# The wordlist is not part of this tree. It comes from Debian's python3-mnemonic package
# (mnemonic/wordlist/english.txt); the build turns it into ${CMAKE_BINARY_DIR}/generated/
# bip39_english.c and adds that file to libcfarm. Override the location with
# -DCFARM_BIP39_WORDLIST=/path/to/english.txt. The file's SHA-256 is checked, so a different or
# damaged list fails the configure instead of producing mnemonics nobody else can read.

set(CFARM_BIP39_SHA256 2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda)

if(NOT CFARM_BIP39_WORDLIST)
  set(cfarm_bip39_candidates)
  foreach(py python3 /usr/bin/python3)
    execute_process(COMMAND ${py} -c "import mnemonic,os;print(os.path.dirname(mnemonic.__file__))"
                    OUTPUT_VARIABLE cfarm_mnemonic_dir OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE cfarm_py_rc ERROR_QUIET)
    if(cfarm_py_rc EQUAL 0 AND cfarm_mnemonic_dir)
      list(APPEND cfarm_bip39_candidates ${cfarm_mnemonic_dir}/wordlist/english.txt)
    endif()
  endforeach()
  list(APPEND cfarm_bip39_candidates
       /usr/lib/python3/dist-packages/mnemonic/wordlist/english.txt
       /usr/share/python3-mnemonic/wordlist/english.txt)
  foreach(candidate ${cfarm_bip39_candidates})
    if(EXISTS ${candidate})
      set(CFARM_BIP39_WORDLIST ${candidate})
      break()
    endif()
  endforeach()
endif()

if(NOT CFARM_BIP39_WORDLIST OR NOT EXISTS "${CFARM_BIP39_WORDLIST}")
  message(FATAL_ERROR
    "cfarm: the BIP39 English wordlist was not found. Install Debian's python3-mnemonic "
    "(apt-get install python3-mnemonic) or pass -DCFARM_BIP39_WORDLIST=/path/to/english.txt")
endif()
file(SHA256 "${CFARM_BIP39_WORDLIST}" cfarm_bip39_sum)
if(NOT cfarm_bip39_sum STREQUAL CFARM_BIP39_SHA256)
  message(FATAL_ERROR "cfarm: ${CFARM_BIP39_WORDLIST} is not the BIP39 English wordlist "
                      "(sha256 ${cfarm_bip39_sum}, expected ${CFARM_BIP39_SHA256})")
endif()
message(STATUS "cfarm: BIP39 wordlist from ${CFARM_BIP39_WORDLIST}")

set(CFARM_BIP39_TABLE ${CMAKE_BINARY_DIR}/generated/bip39_english.c)
add_custom_command(
  OUTPUT ${CFARM_BIP39_TABLE}
  COMMAND ${CMAKE_COMMAND} -DIN=${CFARM_BIP39_WORDLIST} -DOUT=${CFARM_BIP39_TABLE}
          -P ${CMAKE_SOURCE_DIR}/cmake/scripts/bip39_table.cmake
  DEPENDS ${CFARM_BIP39_WORDLIST} ${CMAKE_SOURCE_DIR}/cmake/scripts/bip39_table.cmake
  COMMENT "Generating the BIP39 English word table"
  VERBATIM)
target_sources(cfarm_lib PRIVATE ${CFARM_BIP39_TABLE})
