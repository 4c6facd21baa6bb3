ni:///sha-256;c1a15a44abd603bc2e56e7a8b578bdca0a4002aadf63eae6f56c73fd9c1e67de?ver=CBV2.0
