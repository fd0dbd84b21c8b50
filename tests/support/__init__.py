"""What many test packages share, one of each: ``auth.bearer`` (an API credential's header),
``races.committed_meanwhile`` (a twin request's write placed where a race puts it),
``sockets.Inbox`` (a Socket.IO client's recorder of what it hears) and ``world`` (the builder
of people, associations and the objects a test stands on)."""
