"""Pattern demos: bundled workspaces with explanations and their live figures."""
