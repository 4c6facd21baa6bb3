ni:///sha-256;eeb655259427b5adef79f56d50fefbbdce790e306bf46ddf92f0965ba2f2a792?ver=CBV2.0
