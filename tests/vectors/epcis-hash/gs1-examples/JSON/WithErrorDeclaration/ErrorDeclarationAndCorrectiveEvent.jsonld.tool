ni:///sha-256;db50dd61ad0309f0f727d7b1f9335728d77c07b2ba13f82fe58a87f42e943a2a?ver=CBV2.0
ni:///sha-256;e74d8397fb06e337c3a9ffdf00effff305de5fc8ec6f0fbae28b036f4320cfda?ver=CBV2.0
