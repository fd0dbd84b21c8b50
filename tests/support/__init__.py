"""What many test packages share, one of each: ``auth.bearer`` (an API credential's header),
``races.committed_meanwhile`` (a twin request's write placed where a race puts it) and
``sockets.Recorder`` (a Socket.IO client that records what it hears)."""
