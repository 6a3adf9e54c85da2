// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Data requests, offers, payment in the settlement token and recorded access (see IDataOffers).
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {IDataOffers} from "./IDataOffers.sol";
import {ITimestampLedger} from "./ITimestampLedger.sol";

contract DataOffers is IDataOffers {
    using SafeERC20 for IERC20;

    IConsortiumRegistry private immutable CONSORTIUM;
    ITimestampLedger private immutable TIMESTAMPS;
    IERC20 private immutable TOKEN;
    mapping(bytes32 query => bytes32 datasetId) private _freeByQuery;
    mapping(bytes32 datasetId => Dataset) private _datasets;
    mapping(bytes32 requestId => Request) private _requests;
    mapping(bytes32 offerId => Offer) private _offers;

    /// @param consortium_ Registry of members.
    /// @param timestamps_ Where data roots must be anchored.
    /// @param token_ The settlement token payments are made in.
    constructor(IConsortiumRegistry consortium_, ITimestampLedger timestamps_, IERC20 token_) {
        if (address(consortium_) == address(0)) revert InvalidOfferArgument("consortium");
        if (address(timestamps_) == address(0)) revert InvalidOfferArgument("timestamps");
        if (address(token_) == address(0)) revert InvalidOfferArgument("token");
        CONSORTIUM = consortium_;
        TIMESTAMPS = timestamps_;
        TOKEN = token_;
    }

    /// @inheritdoc IDataOffers
    function publishFreeDataset(bytes32 query, bytes32 dataRoot) external returns (bytes32 datasetId) {
        _member();
        _timestamped(dataRoot);
        datasetId = keccak256(abi.encode(block.chainid, address(this), msg.sender, query, dataRoot));
        if (_datasets[datasetId].provider != address(0)) revert AlreadyExists(datasetId);
        _datasets[datasetId] = Dataset(msg.sender, query, dataRoot);
        if (_freeByQuery[query] == bytes32(0)) _freeByQuery[query] = datasetId;
        emit DatasetPublished(datasetId, query, msg.sender, dataRoot);
    }

    /// @inheritdoc IDataOffers
    function requestData(bytes32 query, bytes32 salt) external returns (bytes32 requestId) {
        _member();
        requestId = keccak256(abi.encode(block.chainid, address(this), msg.sender, query, salt));
        if (_requests[requestId].state != RequestState.None) revert AlreadyExists(requestId);
        bytes32 free = _freeByQuery[query];
        if (free != bytes32(0)) {
            _requests[requestId] = Request(msg.sender, query, RequestState.Served, free, bytes32(0));
            emit FreeDataServed(requestId, free, msg.sender, _datasets[free].dataRoot);
        } else {
            _requests[requestId] = Request(msg.sender, query, RequestState.Open, bytes32(0), bytes32(0));
            emit CallForOffers(requestId, query, msg.sender);
        }
    }

    /// @inheritdoc IDataOffers
    function makeOffer(bytes32 requestId, uint256 price, bytes32 dataRoot) external returns (bytes32 offerId) {
        _member();
        Request storage r = _requests[requestId];
        if (r.state == RequestState.None) revert UnknownRequest(requestId);
        if (r.state != RequestState.Open) revert RequestNotOpen(requestId, r.state);
        if (msg.sender == r.client) revert InvalidOfferArgument("provider");
        if (price == 0) revert InvalidOfferArgument("price");
        _timestamped(dataRoot);
        offerId = keccak256(abi.encode(block.chainid, address(this), msg.sender, requestId, price, dataRoot));
        if (_offers[offerId].provider != address(0)) revert AlreadyExists(offerId);
        _offers[offerId] = Offer(requestId, msg.sender, price, dataRoot, false, bytes32(0));
        emit OfferMade(offerId, requestId, msg.sender, price, dataRoot);
    }

    /// @inheritdoc IDataOffers
    function pay(bytes32 offerId) external {
        Offer storage o = _offers[offerId];
        if (o.provider == address(0)) revert UnknownOffer(offerId);
        Request storage r = _requests[o.requestId];
        if (msg.sender != r.client) revert NotTheClient(o.requestId, msg.sender);
        if (r.state == RequestState.Paid) revert AlreadyPaid(o.requestId, r.paidOffer);
        if (r.state != RequestState.Open) revert RequestNotOpen(o.requestId, r.state);
        // Effects before the token call: a re-entered pay finds the request paid.
        r.state = RequestState.Paid;
        r.paidOffer = offerId;
        emit OfferPaid(o.requestId, offerId, msg.sender, o.provider, o.price);
        TOKEN.safeTransferFrom(msg.sender, o.provider, o.price);
    }

    /// @inheritdoc IDataOffers
    function grantAccess(bytes32 offerId, bytes32 accessRef) external {
        Offer storage o = _offers[offerId];
        if (o.provider == address(0)) revert UnknownOffer(offerId);
        if (msg.sender != o.provider) revert NotTheProvider(offerId, msg.sender);
        if (_requests[o.requestId].paidOffer != offerId || o.accessGranted) revert AccessNotDue(offerId);
        if (accessRef == bytes32(0)) revert InvalidOfferArgument("accessRef");
        o.accessGranted = true;
        o.accessRef = accessRef;
        emit AccessGranted(offerId, o.requestId, accessRef);
    }

    /// @inheritdoc IDataOffers
    function request(bytes32 requestId) external view returns (Request memory) {
        return _requests[requestId];
    }

    /// @inheritdoc IDataOffers
    function offer(bytes32 offerId) external view returns (Offer memory) {
        return _offers[offerId];
    }

    /// @inheritdoc IDataOffers
    function freeDataset(bytes32 query) external view returns (Dataset memory) {
        return _datasets[_freeByQuery[query]];
    }

    /// @inheritdoc IDataOffers
    function paymentToken() external view returns (address) {
        return address(TOKEN);
    }

    /// @inheritdoc IDataOffers
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _member() private view {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotAMember(msg.sender);
    }

    function _timestamped(bytes32 dataRoot) private view {
        if (dataRoot == bytes32(0) || TIMESTAMPS.anchorOf(dataRoot).anchoredAt == 0)
            revert DataNotTimestamped(dataRoot);
    }
}
