# Writes the seed corpus of each fuzz target into OUT/<target>/, from the repository's own files:
#   request_body    the v2 request bodies and resources of samples/sample-partner/, plus seeds/request_body/
#   mapping         the Rosalie bodies and answers of samples/rosalie/, the canonical resources of
#                   samples/sample-partner/, plus seeds/mapping/
#   contract_files  contracts/, mapping/ (code lists included), plus seeds/contract_files/
#   target          "METHOD PATH" of every sample request, plus seeds/target/
# cmake -DSOURCE_DIR=... -DSEEDS_DIR=... -DOUT=... -P seed_corpus.cmake
foreach(var SOURCE_DIR SEEDS_DIR OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "seed_corpus.cmake needs -D${var}=...")
  endif()
endforeach()

file(REMOVE_RECURSE ${OUT})
foreach(target request_body mapping contract_files target)
  file(MAKE_DIRECTORY ${OUT}/${target})
  file(GLOB hand_written ${SEEDS_DIR}/${target}/*)
  foreach(seed IN LISTS hand_written)
    get_filename_component(name ${seed} NAME)
    configure_file(${seed} ${OUT}/${target}/seed-${name} COPYONLY)
  endforeach()
endforeach()

# Writes the member at the path `...` of the JSON text `json` into `file`, when the sample has it.
function(write_member json file)
  string(JSON member ERROR_VARIABLE missing GET "${json}" ${ARGN})
  if(NOT missing)
    file(WRITE ${file} "${member}\n")
  endif()
endfunction()

file(GLOB_RECURSE samples ${SOURCE_DIR}/samples/*.json)
foreach(sample IN LISTS samples)
  file(READ ${sample} json)
  get_filename_component(name ${sample} NAME_WE)
  get_filename_component(dir ${sample} DIRECTORY)
  get_filename_component(partner ${dir} NAME)
  if(partner STREQUAL "rosalie")
    write_member("${json}" ${OUT}/mapping/${partner}-${name}-request.json request body)
    write_member("${json}" ${OUT}/mapping/${partner}-${name}-answer.json answer body)
  else()
    write_member("${json}" ${OUT}/request_body/${partner}-${name}-request.json request body)
    write_member("${json}" ${OUT}/request_body/${partner}-${name}-resource.json resource)
    write_member("${json}" ${OUT}/mapping/${partner}-${name}-resource.json resource)
  endif()
  string(JSON method ERROR_VARIABLE no_method GET "${json}" request method)
  string(JSON path ERROR_VARIABLE no_path GET "${json}" request path)
  if(NOT no_method AND NOT no_path)
    file(WRITE ${OUT}/target/${partner}-${name}.txt "${method} ${path}\n")
  endif()
endforeach()

file(GLOB_RECURSE files ${SOURCE_DIR}/contracts/*.json ${SOURCE_DIR}/mapping/*.json)
foreach(file IN LISTS files)
  file(RELATIVE_PATH relative ${SOURCE_DIR} ${file})
  string(REPLACE "/" "-" flat ${relative})
  configure_file(${file} ${OUT}/contract_files/${flat} COPYONLY)
endforeach()
