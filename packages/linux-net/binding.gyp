{
  "targets": [
    {
      "target_name": "pptpkit_linux_net",
      "sources": [
        "src/native/addon.cc",
        "src/native/netlink_socket.cc",
        "src/native/devices.cc",
        "src/native/packet_channel.cc",
        "src/native/unix_datagram.cc",
        "src/native/wait_readable.cc",
        "src/native/socket_options.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-fno-exceptions"]
    }
  ]
}
