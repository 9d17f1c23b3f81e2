# CPACK_PROJECT_CONFIG_FILE: read by cpack once per generator. sahab-collector is packaged for
# Debian only, so the RPM run packages the agent alone.
if(CPACK_GENERATOR STREQUAL "RPM")
  set(CPACK_COMPONENTS_ALL agent)
endif()
