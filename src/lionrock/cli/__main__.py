from lionrock.cli.main import main

main()
