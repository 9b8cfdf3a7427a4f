{
  "targets": [
    {
      "target_name": "husk",
      "sources": [
        "src/addon.cc",
        "src/js.cc",
        "src/bind-namespaces.cc",
        "src/bind-mounts.cc",
        "src/bind-seccomp.cc",
        "src/bind-pidfd.cc",
        "src/bind-fs.cc",
        "src/bind-devfilter.cc",
        "src/bind-spawn.cc",
        "src/error.c",
        "src/thread.c",
        "src/namespaces.c",
        "src/mounts.c",
        "src/netns.c",
        "src/seccomp.c",
        "src/pidfd.c",
        "src/fsutil.c",
        "src/devfilter.c",
        "src/spawn.c"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "../include"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "_GNU_SOURCE"],
      "cflags": ["-Wall", "-Wextra", "-Werror", "-O2"],
      "cflags_c": ["-std=gnu11"],
      "cflags_cc": ["-std=gnu++17", "-fexceptions"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++1y", "-std=gnu++14"],
      "libraries": ["-lseccomp", "-lpthread"]
    }
  ]
}
