// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// OpenZeppelin's ERC-721 in the shape its Contracts Wizard gives (a counter id, safeMint by the owner, optional URI
// storage). Never deployed by the platform: the gas snapshot mints with it to measure the baseline that
// ContentRegistry's registration is compared with (docs/content.md).
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";

contract ReferenceErc721 is ERC721, ERC721URIStorage, Ownable {
    uint256 private _nextTokenId;

    constructor() ERC721("Reference", "REF") Ownable(msg.sender) {}

    /// @notice The wizard's mint without a URI.
    function safeMint(address to) external onlyOwner returns (uint256 tokenId) {
        tokenId = _nextTokenId++;
        _safeMint(to, tokenId);
    }

    /// @notice The wizard's mint with a token URI.
    function safeMintWithUri(address to, string calldata uri) external onlyOwner returns (uint256 tokenId) {
        tokenId = _nextTokenId++;
        _safeMint(to, tokenId);
        _setTokenURI(tokenId, uri);
    }

    /// @notice "1.0.0".
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function tokenURI(uint256 tokenId) public view override(ERC721, ERC721URIStorage) returns (string memory) {
        return super.tokenURI(tokenId);
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, ERC721URIStorage) returns (bool) {
        return super.supportsInterface(interfaceId);
    }
}
