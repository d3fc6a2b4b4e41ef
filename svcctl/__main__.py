from svcctl.cli.launch import main

main()
